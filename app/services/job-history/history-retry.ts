/**
 * "Retry all failed jobs" matching a job history search (the admin history page, bin/jobs history
 * --retry), as Sidekiq's and Mission Control's users expect it:
 *   - a job counts when its LATEST execution failed (one that failed, then succeeded on a retry,
 *     does not) and it matches the search (class, queue, error class, time range, job id,
 *     arguments; the state filter may only be failed or empty);
 *   - a job still in Redis's failed set is retried in place (JobInspector.retry: same id, attempts
 *     counted afresh); one in Redis in any other state has moved on and is left alone;
 *   - a job Redis no longer holds is enqueued again as a NEW job of the same class, on the same
 *     queue, with the stored arguments, and job_history_retries records which old job it re-runs
 *     (each old job at most once: a second "retry all" does not enqueue it again). Arguments
 *     stored with secrets filtered, or of a class this process does not know, cannot be re-run
 *     and are listed as such;
 *   - at most HISTORY_RETRY_LIMIT jobs per action, newest failure first; the rest are counted as
 *     remaining (run it again).
 *
 * Steps: planHistoryRetry reads the batch and sorts it into in place / enqueue again / moved on /
 * cannot (the confirmation's figures); runHistoryRetry plans again (things move) and acts.
 *
 * Example:
 *   const plan = await planHistoryRetry(pool, inspector, parseHistoryQuery({ jobClass: 'ResizeJob' }, queues));
 *   const done = await runHistoryRetry(pool, inspector, query, 'admin');  // { retried: 3, enqueued: [...] }
 */
import {
  deserializeArguments,
  isRegistered,
  lookupJob,
  type Job,
  type JobInspector,
} from '../../framework/index';
import type { SqlReader } from '../../db/deletion.repository';
import { claimRetry, failedJobsMatching, releaseRetry } from '../../db/job-history-links.repository';
import { COUNT_CAP, type StoredExecution } from '../../db/job-history.repository';
import { HistoryQueryError, type HistoryQuery } from './search';

/** Jobs one action touches at most. @defaultValue 200 */
export const HISTORY_RETRY_LIMIT = 200;
/** Redis look-ups in flight at once. */
const LOOKUPS_AT_ONCE = 25;
/** How filterSecrets marks a filtered value (framework logging.ts). */
const FILTERED = '"[FILTERED]"';

export interface Unretriable {
  id: string;
  jobClass: string;
  reason: string;
}

export interface HistoryRetryPlan {
  /** Jobs whose latest execution failed and that match, counted up to COUNT_CAP (capped: more). */
  matched: number;
  matchedCapped: boolean;
  /** Matches beyond this action's batch. */
  remaining: number;
  /** In Redis's failed set: retried in place. */
  inPlace: StoredExecution[];
  /** Gone from Redis: enqueued again as new jobs. */
  again: StoredExecution[];
  /** In Redis but no longer failed (retried meanwhile, running): left alone. */
  movedOn: { id: string; state: string }[];
  /** Gone from Redis and not runnable again from history. */
  unretriable: Unretriable[];
}

export interface HistoryRetryResult {
  /** Retried in place. */
  retried: number;
  /** Enqueued again: the old job id and the new one. */
  enqueued: { retryOf: string; jobId: string }[];
  /** Planned but moved on meanwhile (retried by someone else, gone, already enqueued again). */
  skipped: number;
  unretriable: Unretriable[];
  remaining: number;
}

/** The search as a retry's filter: state must be failed or left out. */
function retryFilters(query: HistoryQuery): HistoryQuery {
  if (query.state !== undefined && query.state !== 'failed')
    throw new HistoryQueryError(
      'state',
      `retry applies to failed jobs: search with state failed (or none), not "${query.state}"`,
    );
  return { ...query, state: 'failed' };
}

/** Why a job gone from Redis cannot be enqueued again, or undefined. */
function cannotRerun(execution: StoredExecution): string | undefined {
  if (!isRegistered(execution.jobClass)) return `class ${execution.jobClass} is not known to this process`;
  if (execution.arguments !== null && JSON.stringify(execution.arguments).includes(FILTERED))
    return 'its arguments were stored with secrets filtered';
  return undefined;
}

async function inChunks<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += LOOKUPS_AT_ONCE)
    out.push(...(await Promise.all(items.slice(i, i + LOOKUPS_AT_ONCE).map(work))));
  return out;
}

export async function planHistoryRetry(
  db: SqlReader,
  inspector: JobInspector,
  query: HistoryQuery,
  limit = HISTORY_RETRY_LIMIT,
): Promise<HistoryRetryPlan> {
  const { rows, total } = await failedJobsMatching(db, retryFilters(query), limit);
  const states = await inChunks(rows, async (row) => {
    const job = await inspector.find(row.jobId);
    return job ? (await inspector.summarize(job)).state : undefined;
  });
  const plan: HistoryRetryPlan = {
    matched: Math.min(total, COUNT_CAP),
    matchedCapped: total > COUNT_CAP,
    remaining: Math.max(0, Math.min(total, COUNT_CAP) - rows.length),
    inPlace: [],
    again: [],
    movedOn: [],
    unretriable: [],
  };
  rows.forEach((row, i) => {
    const state = states[i];
    if (state === 'failed') plan.inPlace.push(row);
    else if (state !== undefined) plan.movedOn.push({ id: row.jobId, state });
    else {
      const reason = cannotRerun(row);
      if (reason) plan.unretriable.push({ id: row.jobId, jobClass: row.jobClass, reason });
      else plan.again.push(row);
    }
  });
  return plan;
}

/** Enqueues a new job re-running `old`; its id, or why not. */
async function enqueueAgain(
  db: SqlReader,
  old: StoredExecution,
  actor: string,
): Promise<{ jobId: string } | { skipped: true } | { reason: string }> {
  let job: Job;
  try {
    const args = await deserializeArguments(
      (old.arguments ?? []) as Parameters<typeof deserializeArguments>[0],
    );
    job = (lookupJob(old.jobClass) as unknown as { build(...args: unknown[]): Job }).build(...args);
  } catch (error) {
    return { reason: `its arguments cannot be restored (${(error as Error).message})` };
  }
  if (!(await claimRetry(db, job.jobId, old.jobId, actor))) return { skipped: true };
  try {
    const enqueued = await job.enqueue({ queue: old.queue });
    if (!enqueued) throw new Error('a before_enqueue callback halted it');
    if (job.duplicateOf) throw new Error(`an equal job is queued (${job.duplicateOf})`);
    return { jobId: job.jobId };
  } catch (error) {
    await releaseRetry(db, job.jobId);
    return { reason: `not enqueued: ${(error as Error).message}` };
  }
}

export async function runHistoryRetry(
  db: SqlReader,
  inspector: JobInspector,
  query: HistoryQuery,
  actor: string,
  limit = HISTORY_RETRY_LIMIT,
): Promise<HistoryRetryResult> {
  const plan = await planHistoryRetry(db, inspector, query, limit);
  const result: HistoryRetryResult = {
    retried: 0,
    enqueued: [],
    skipped: plan.movedOn.length,
    unretriable: [...plan.unretriable],
    remaining: plan.remaining,
  };
  const retried = await inChunks(plan.inPlace, (row) =>
    inspector.retry(row.jobId).then(
      () => true,
      () => false,
    ),
  );
  result.retried = retried.filter(Boolean).length;
  result.skipped += retried.length - result.retried;
  const again = await inChunks(plan.again, (row) => enqueueAgain(db, row, actor));
  again.forEach((outcome, i) => {
    const row = plan.again[i] as StoredExecution;
    if ('jobId' in outcome) result.enqueued.push({ retryOf: row.jobId, jobId: outcome.jobId });
    else if ('skipped' in outcome) result.skipped += 1;
    else result.unretriable.push({ id: row.jobId, jobClass: row.jobClass, reason: outcome.reason });
  });
  return result;
}
