/**
 * PruneJobHistoryJob's work (daily): job_executions rows finished more than 30 days ago are
 * deleted, a batch at a time, through the finished_at index, and job_history_retries rows as old.
 *
 * Steps (app/db/job-history.repository.ts), until a batch comes back short: check the job's
 * signal; delete the next `batchSize` oldest rows before the cutoff in ONE statement (committing
 * on its own, so no long transaction holds the table); report the running count.
 *
 * Example: await pruneJobHistory(dbPool(), { keepDays: 30 })  // 120000
 */
import type { SqlReader } from '../../db/deletion.repository';
import { deleteRetriesBefore } from '../../db/job-history-links.repository';
import { deleteExecutionsBefore } from '../../db/job-history.repository';
import { daysBefore, untilShort, type ChunkOptions } from './chunks';

/** @defaultValue 30 days */
export const JOB_HISTORY_KEEP_DAYS = 30;
/** @defaultValue 10000 rows per DELETE statement */
export const JOB_HISTORY_CHUNK_SIZE = 10_000;

/** Deletes executions finished before `now` - `keepDays`; resolves how many. */
export async function pruneJobHistory(
  db: SqlReader,
  options: ChunkOptions & { now?: Date; keepDays?: number } = {},
): Promise<number> {
  const keepDays = options.keepDays ?? JOB_HISTORY_KEEP_DAYS;
  if (!Number.isFinite(keepDays) || keepDays < 0)
    throw new RangeError(`keepDays must be a number of days >= 0 (got ${keepDays})`);
  const cutoff = daysBefore(options.now ?? new Date(), keepDays);
  const batchSize = options.batchSize ?? JOB_HISTORY_CHUNK_SIZE;
  const deleted = await untilShort(batchSize, () => deleteExecutionsBefore(db, cutoff, batchSize), options);
  // The records of jobs enqueued again from history go with them (few rows: one statement).
  await deleteRetriesBefore(db, cutoff);
  return deleted;
}
