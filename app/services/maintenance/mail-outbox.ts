/**
 * PruneMailOutboxJob's work (monthly): mail_outbox rows older than 90 days are deleted, a chunk of
 * ids per statement. The outbox is the record of mail sent; 90 days covers "did you get my mail?"
 * questions without keeping every message body forever.
 *
 * Example: await pruneMailOutbox(prisma(), { now: new Date() })  // 120
 */
import type { AppPrismaClient } from '../../db/client';
import { daysBefore, untilShort, type ChunkOptions } from './chunks';

/** @defaultValue 90 days */
export const MAIL_OUTBOX_KEEP_DAYS = 90;
/** @defaultValue 5000 rows per statement */
export const MAIL_OUTBOX_CHUNK_SIZE = 5_000;

export function pruneMailOutbox(
  client: Pick<AppPrismaClient, '$executeRaw'>,
  options: ChunkOptions & { now?: Date; keepDays?: number } = {},
): Promise<number> {
  const cutoff = daysBefore(options.now ?? new Date(), options.keepDays ?? MAIL_OUTBOX_KEEP_DAYS);
  const batchSize = options.batchSize ?? MAIL_OUTBOX_CHUNK_SIZE;
  return untilShort(
    batchSize,
    () => client.$executeRaw`
      WITH doomed AS (SELECT id FROM mail_outbox WHERE created_at < ${cutoff} ORDER BY id LIMIT ${batchSize})
      DELETE FROM mail_outbox m USING doomed d WHERE m.id = d.id`,
    options,
  );
}
