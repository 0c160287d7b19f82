/**
 * PruneBansJob's work: lift every ban that expired (app/db/ban.repository.ts has the statement and
 * the rules: lifted_at set, a `user_unban` mod action, the row kept as history).
 *
 * Example: await liftExpiredBans(prisma(), { now: new Date() })  // 3
 */
import type { AppPrismaClient } from '../../db/client';
import { BANS_CHUNK_SIZE, liftExpiredBansChunk } from '../../db/ban.repository';
import { untilShort, type ChunkOptions } from './chunks';

/** Lifts bans expired at `now`, in chunks; resolves how many. */
export function liftExpiredBans(
  client: Pick<AppPrismaClient, '$queryRaw'>,
  options: ChunkOptions & { now?: Date } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? BANS_CHUNK_SIZE;
  return untilShort(
    batchSize,
    async () => (await liftExpiredBansChunk(client, now, batchSize)).lifted,
    options,
  );
}
