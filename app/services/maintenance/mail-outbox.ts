/**
 * PruneMailOutboxJob's work (monthly): mail_outbox rows created more than 90 days ago are deleted,
 * a chunk at a time. The outbox is the record of mail sent; 90 days covers "did you get my mail?"
 * questions without keeping every message body forever.
 *
 * Steps (app/db/mail-outbox.repository.ts), until a chunk comes back short:
 *   1. check the job's signal (an aborted signal stops here, with its reason; what was deleted stays
 *      deleted and the next run finishes the rest);
 *   2. select the next `batchSize` ids of rows older than the cutoff, in id order after the last chunk;
 *   3. delete them through deleteMany: ONE `DELETE ... WHERE id = ANY($1)` statement for the chunk,
 *      committing on its own (2,500 old rows at batch 1,000: 3 selects and 3 DELETE statements);
 *   4. report the running count of deleted rows.
 *
 * Example: await pruneMailOutbox(dbPool(), { now: new Date() })  // 120
 */
import type { ConnectionPool } from '../../db/delete-many';
import type { SqlReader } from '../../db/deletion.repository';
import { deleteManyMailOutbox, mailOutboxIdsBefore } from '../../db/mail-outbox.repository';
import { daysBefore, deleteInChunks, type ChunkOptions } from './chunks';

/** @defaultValue 90 days */
export const MAIL_OUTBOX_KEEP_DAYS = 90;
/** @defaultValue 5000 rows per DELETE statement */
export const MAIL_OUTBOX_CHUNK_SIZE = 5_000;

/** Deletes outbox rows created before `now` - `keepDays`; resolves how many. */
export function pruneMailOutbox(
  pool: ConnectionPool & SqlReader,
  options: ChunkOptions & { now?: Date; keepDays?: number } = {},
): Promise<number> {
  const cutoff = daysBefore(options.now ?? new Date(), options.keepDays ?? MAIL_OUTBOX_KEEP_DAYS);
  const batchSize = options.batchSize ?? MAIL_OUTBOX_CHUNK_SIZE;
  return deleteInChunks(
    batchSize,
    (afterId, limit) => mailOutboxIdsBefore(pool, cutoff, afterId, limit),
    (ids) => deleteManyMailOutbox(pool, ids, { chunkSize: batchSize }),
    options,
  );
}
