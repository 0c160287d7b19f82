/**
 * Bans: which are in force, and lifting the expired ones (PruneBansJob).
 *
 * Rules: a ban is in force while it is not lifted (lifted_at null) and has not expired (expires_at
 * null = permanent, or in the future). Expiry alone ends a ban: findActiveBan does not wait for
 * the hourly PruneBansJob. The job then lifts expired bans: sets lifted_at and records a
 * `user_unban` mod action (creator null: the system), keeping the ban row as the user's history
 * (Danbooru keeps bans too). Lifting is set-based, in chunks of ids.
 *
 * Example:
 *   await findActiveBan(prisma(), user.id)               // the ban in force, or null
 *   await liftExpiredBansChunk(prisma(), new Date(), 1000) // { lifted: 3 }
 */
import type { AppPrismaClient } from './client';

/** Bans one statement of liftExpiredBansChunk lifts. @defaultValue 1000 */
export const BANS_CHUNK_SIZE = 1_000;

/** The ban of `userId` in force at `now` (the one ending last; permanent first), or null. */
export async function findActiveBan(
  client: Pick<AppPrismaClient, 'ban'>,
  userId: number,
  now: Date = new Date(),
) {
  return client.ban.findFirst({
    where: { userId, liftedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    orderBy: [{ expiresAt: { sort: 'desc', nulls: 'first' } }, { id: 'desc' }],
  });
}

/**
 * Lifts up to `limit` bans that expired at or before `now` and are not lifted yet, each with a
 * `user_unban` mod action about the user, in one statement. Call again until `lifted < limit`.
 */
export async function liftExpiredBansChunk(
  client: Pick<AppPrismaClient, '$queryRaw'>,
  now: Date,
  limit = BANS_CHUNK_SIZE,
): Promise<{ lifted: number }> {
  const rows = await client.$queryRaw<Array<{ lifted: number }>>`
    WITH expired AS (
      SELECT id FROM bans WHERE lifted_at IS NULL AND expires_at <= ${now} ORDER BY id LIMIT ${limit}
    ),
    lifted AS (
      UPDATE bans b SET lifted_at = ${now}, updated_at = ${now}
      FROM expired e WHERE b.id = e.id AND b.lifted_at IS NULL
      RETURNING b.id, b.user_id
    ),
    logged AS (
      INSERT INTO mod_actions (creator_id, category, description, subject_type, subject_id)
      SELECT NULL, 'user_unban', 'ban #' || id || ' of user #' || user_id || ' expired and was lifted', 'User', user_id
      FROM lifted
      RETURNING id
    )
    SELECT (SELECT count(*)::int FROM lifted) AS lifted`;
  return rows[0] ?? { lifted: 0 };
}
