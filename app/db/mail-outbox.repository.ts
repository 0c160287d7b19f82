/**
 * The mail outbox's batch primitives (mail_outbox: every mail delivered, written by the outbox
 * transport in app/services/mail/transport.ts).
 *
 * Role: PruneMailOutboxJob (app/services/maintenance/mail-outbox.ts) deletes old outbox rows with
 * these, one chunk at a time, never one statement per row.
 *
 * Steps of one pruning chunk:
 *   1. mailOutboxIdsBefore: the next `limit` ids above `afterId` of rows created before the cutoff,
 *      in id order (keyset on the primary key: each chunk starts where the last one ended);
 *   2. deleteManyMailOutbox: those rows through deleteMany (app/db/delete-many.ts): one
 *      `DELETE FROM "mail_outbox" WHERE "id" = ANY($1::bigint[])` per chunk, on one connection.
 *
 * The cutoff is compared the way Prisma stores DateTime (UTC wall time in `timestamp(3)`): it
 * travels as ISO 8601 text and is read as timestamptz, then converted to UTC; a row created exactly
 * at the cutoff is kept (strictly before).
 *
 * Example:
 *   const ids = await mailOutboxIdsBefore(dbPool(), cutoff, 0, 1000);   // [3, 4, 9]
 *   await deleteManyMailOutbox(dbPool(), ids)                          // 3
 */
import { deleteMany, type ConnectionPool, type DeleteManyOptions, type RecordIds } from './delete-many';
import type { SqlReader } from './deletion.repository';

/** Ids of mail_outbox rows created before `cutoff`, above `afterId`, lowest first, at most `limit`. */
export async function mailOutboxIdsBefore(
  reader: SqlReader,
  cutoff: Date,
  afterId: number,
  limit: number,
): Promise<number[]> {
  const { rows } = await reader.query<{ id: number }>(
    `SELECT id FROM mail_outbox
     WHERE created_at < ($1::text::timestamptz AT TIME ZONE 'UTC') AND id > $2::int
     ORDER BY id LIMIT $3::int`,
    [cutoff.toISOString(), afterId, limit],
  );
  return rows.map((row) => row.id);
}

/**
 * The mail outbox's deleteMany: deletes outbox rows by id, one statement per chunk of ids on one
 * connection (nothing references mail_outbox). Resolves the rows deleted.
 */
export async function deleteManyMailOutbox(
  pool: ConnectionPool,
  ids: RecordIds,
  options?: DeleteManyOptions,
): Promise<number> {
  return deleteMany(pool, 'mail_outbox', ids, options);
}
