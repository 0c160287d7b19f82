/**
 * Job history beyond one job's timeline, on node-postgres: the latest execution of each of a few
 * jobs, a job's dependencies as history knows them (rows whose parent_job_id is the job), the
 * failed jobs a search matches for "retry all" (only each job's latest execution counts), and
 * job_history_retries, which records a failed job enqueued again as a new job.
 *
 * Steps of failedJobsMatching: the search's WHERE (job-history.repository's historyWhere) with
 * state = 'failed', kept only when no later execution of the same job exists (a job that failed,
 * then succeeded on a retry, is not failed) and no retry of it is recorded; newest first, at most
 * `limit`, plus the count up to COUNT_CAP.
 *
 * Example:
 *   const { rows, total } = await failedJobsMatching(pool, { jobClass: 'ResizeJob' }, 200);
 *   if (await claimRetry(pool, newId, rows[0].jobId, 'admin')) ...enqueue newId...
 */
import type { SqlReader } from './deletion.repository';
import { COUNT_CAP, historyWhere, type HistoryFilters, type StoredExecution } from './job-history.repository';

const COLUMNS = `e.id::text AS id, e.job_id AS "jobId", e.job_class AS "jobClass", e.queue, e.state,
  e.attempt, e.arguments, e.error_class AS "errorClass", e.error_message AS "errorMessage",
  e.enqueued_at AS "enqueuedAt", e.started_at AS "startedAt", e.finished_at AS "finishedAt",
  e.duration_ms AS "durationMs", e.worker_host AS "workerHost", e.worker_pid AS "workerPid",
  e.parent_job_id AS "parentJobId"`;

/** The latest recorded execution of each of `jobIds` (jobs never recorded are left out). */
export async function latestExecutions(
  db: SqlReader,
  jobIds: readonly string[],
): Promise<Map<string, StoredExecution>> {
  if (jobIds.length === 0) return new Map();
  const { rows } = await db.query<StoredExecution>(
    `SELECT DISTINCT ON (e.job_id) ${COLUMNS} FROM job_executions e
     WHERE e.job_id = ANY($1::text[]) ORDER BY e.job_id, e.finished_at DESC, e.id DESC`,
    [[...jobIds]],
  );
  return new Map(rows.map((row) => [row.jobId, row]));
}

/** The jobs history records as waiting dependencies of `jobId` (their latest execution each), at most `limit`. */
export async function recordedDependencies(
  db: SqlReader,
  jobId: string,
  limit: number,
): Promise<StoredExecution[]> {
  const { rows } = await db.query<StoredExecution>(
    `SELECT DISTINCT ON (e.job_id) ${COLUMNS} FROM job_executions e
     WHERE e.job_id IN (SELECT DISTINCT job_id FROM job_executions WHERE parent_job_id = $1 LIMIT $2)
     ORDER BY e.job_id, e.finished_at DESC, e.id DESC`,
    [jobId, Math.trunc(limit)],
  );
  return rows;
}

/** Jobs whose latest execution failed, matching `filters` (its state is ignored), newest first. */
export async function failedJobsMatching(
  db: SqlReader,
  filters: HistoryFilters,
  limit: number,
): Promise<{ rows: StoredExecution[]; total: number }> {
  const { where, values } = historyWhere({ ...filters, state: 'failed' });
  const from = `FROM job_executions e ${where}
    AND NOT EXISTS (SELECT 1 FROM job_executions l
      WHERE l.job_id = e.job_id AND (l.finished_at, l.id) > (e.finished_at, e.id))
    AND NOT EXISTS (SELECT 1 FROM job_history_retries r WHERE r.retry_of = e.job_id)`;
  const [found, counted] = await Promise.all([
    db.query<StoredExecution>(
      `SELECT ${COLUMNS} ${from} ORDER BY e.finished_at DESC, e.id DESC LIMIT ${Math.trunc(limit)}`,
      values,
    ),
    db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 ${from} LIMIT ${COUNT_CAP + 1}) AS m`,
      values,
    ),
  ]);
  return { rows: found.rows, total: counted.rows[0]?.n ?? 0 };
}

/**
 * Records that `jobId` (about to be enqueued) re-runs `retryOf`; false when `retryOf` was already
 * enqueued again (by another admin, or a second click), so it is not enqueued twice.
 */
export async function claimRetry(
  db: SqlReader,
  jobId: string,
  retryOf: string,
  retriedBy: string,
): Promise<boolean> {
  const { rows } = await db.query<{ jobId: string }>(
    `INSERT INTO job_history_retries (job_id, retry_of, retried_by) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING RETURNING job_id AS "jobId"`,
    [jobId, retryOf, retriedBy],
  );
  return rows.length === 1;
}

/** Undoes claimRetry when the enqueue did not happen. */
export async function releaseRetry(db: SqlReader, jobId: string): Promise<void> {
  await db.query(`DELETE FROM job_history_retries WHERE job_id = $1`, [jobId]);
}

export interface RetryLink {
  /** The old job this one re-runs. */
  retryOf: string | undefined;
  /** The new job that re-runs this one. */
  retriedAs: string | undefined;
  retriedBy: string | undefined;
  at: Date | undefined;
}

/** What job_history_retries says about `jobId`, either way. */
export async function retryLinkOf(db: SqlReader, jobId: string): Promise<RetryLink> {
  const { rows } = await db.query<{ jobId: string; retryOf: string; retriedBy: string | null; at: Date }>(
    `SELECT job_id AS "jobId", retry_of AS "retryOf", retried_by AS "retriedBy", created_at AS at
     FROM job_history_retries WHERE job_id = $1 OR retry_of = $1`,
    [jobId],
  );
  const asNew = rows.find((r) => r.jobId === jobId);
  const asOld = rows.find((r) => r.retryOf === jobId);
  return {
    retryOf: asNew?.retryOf,
    retriedAs: asOld?.jobId,
    retriedBy: (asOld ?? asNew)?.retriedBy ?? undefined,
    at: (asOld ?? asNew)?.at,
  };
}

/** Deletes retry records created before `cutoff` (retention, with the executions). */
export async function deleteRetriesBefore(db: SqlReader, cutoff: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM job_history_retries WHERE created_at < $1 RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [cutoff],
  );
  return rows[0]?.n ?? 0;
}
