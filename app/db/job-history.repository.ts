/**
 * job_executions on node-postgres: the recorder's batch insert, the history searches (the admin
 * jobs page, bin/jobs), a job's timeline and retention's batched delete.
 *
 * Steps: insertExecutions writes a batch as ONE `INSERT ... SELECT FROM json_to_recordset($1)`
 * (the batch as one JSON parameter: the statement text is the same for every batch size); searchExecutions
 * builds a WHERE from the filters (each served by an index: job_id, (job_class, state,
 * finished_at), (queue, finished_at), (state, finished_at) but for completed, (error_class,
 * finished_at), the GIN index on search_terms) and returns one page, newest first, with the number of matches counted
 * up to COUNT_CAP; executionsOfJob lists a job's attempts; deleteExecutionsBefore deletes one
 * batch of rows finished before a cutoff.
 *
 * Example:
 *   await insertExecutions(pool, rows);
 *   const { rows, total } = await searchExecutions(pool, { jobClass: 'ResizeJob', args: ['post=1'] }, { limit: 50 });
 */
import type { SqlReader } from './deletion.repository';

/** One execution as stored. Times are epoch milliseconds. */
export interface ExecutionRow {
  jobId: string;
  jobClass: string;
  queue: string;
  state: string;
  attempt: number;
  /** The stored arguments with secrets filtered (plain JSON), or null. */
  arguments: unknown;
  searchTerms: readonly string[];
  errorClass: string | null;
  errorMessage: string | null;
  enqueuedAt: number | null;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  workerHost: string | null;
  workerPid: number | null;
  /** The job waiting for this one (its dependent, a flow parent), or null. */
  parentJobId?: string | null;
}

/** An execution as read back. */
export interface StoredExecution {
  id: string;
  jobId: string;
  jobClass: string;
  queue: string;
  state: string;
  attempt: number;
  arguments: unknown;
  errorClass: string | null;
  errorMessage: string | null;
  enqueuedAt: Date | null;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  workerHost: string | null;
  workerPid: number | null;
  parentJobId: string | null;
}

export interface HistoryFilters {
  jobId?: string;
  queue?: string;
  state?: string;
  jobClass?: string;
  errorClass?: string;
  /** finished_at >= from */
  from?: Date;
  /** finished_at < to */
  to?: Date;
  /** Argument terms, all of which must match (search-terms.ts). */
  args?: readonly string[];
}

export interface HistoryPage {
  limit: number;
  offset?: number;
}

/** Matches are counted up to this many ("10,000+"). */
export const COUNT_CAP = 10_000;

// One JSON parameter for the whole batch: node-postgres escapes array parameters element by
// element in JavaScript, which cost the worker about three times JSON.stringify of the same rows.
const INSERT_SQL = `
INSERT INTO job_executions (job_id, job_class, queue, state, attempt, arguments, search_terms,
  error_class, error_message, enqueued_at, started_at, finished_at, duration_ms, worker_host, worker_pid,
  parent_job_id)
SELECT j, c, q, s, a, g, t, ec, em, to_timestamp(ea / 1000.0), to_timestamp(sa / 1000.0),
  to_timestamp(fa / 1000.0), d, h, p, pj
FROM json_to_recordset($1::json) AS u(j text, c text, q text, s text, a int, g jsonb, t text[], ec text,
  em text, ea float8, sa float8, fa float8, d float8, h text, p int, pj text)`;

/** Writes a batch of executions in one statement; resolves how many rows were inserted. */
export async function insertExecutions(db: SqlReader, rows: readonly ExecutionRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const batch = rows.map((row) => ({
    j: row.jobId,
    c: row.jobClass,
    q: row.queue,
    s: row.state,
    a: row.attempt,
    g: row.arguments ?? null,
    t: row.searchTerms,
    ec: row.errorClass,
    em: row.errorMessage,
    ea: row.enqueuedAt,
    sa: row.startedAt,
    fa: row.finishedAt,
    d: row.durationMs,
    h: row.workerHost,
    p: row.workerPid,
    pj: row.parentJobId ?? null,
  }));
  // PostgreSQL text and jsonb cannot hold NUL: JSON's \u0000 escape becomes U+FFFD.
  await db.query(INSERT_SQL, [JSON.stringify(batch).replaceAll('\\u0000', '\\ufffd')]);
  return rows.length;
}

const SELECT_COLUMNS = `id::text AS id, job_id AS "jobId", job_class AS "jobClass", queue, state, attempt,
  arguments, error_class AS "errorClass", error_message AS "errorMessage", enqueued_at AS "enqueuedAt",
  started_at AS "startedAt", finished_at AS "finishedAt", duration_ms AS "durationMs",
  worker_host AS "workerHost", worker_pid AS "workerPid", parent_job_id AS "parentJobId"`;

/** The WHERE clause of the filters and its parameters. */
export function historyWhere(filters: HistoryFilters): { where: string; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (param: string) => string, value: unknown) => {
    values.push(value);
    clauses.push(sql(`$${values.length}`));
  };
  if (filters.jobId !== undefined) add((p) => `job_id = ${p}`, filters.jobId);
  if (filters.queue !== undefined) add((p) => `queue = ${p}`, filters.queue);
  if (filters.state !== undefined) add((p) => `state = ${p}`, filters.state);
  if (filters.jobClass !== undefined) add((p) => `job_class = ${p}`, filters.jobClass);
  if (filters.errorClass !== undefined) add((p) => `error_class = ${p}`, filters.errorClass);
  if (filters.from !== undefined) add((p) => `finished_at >= ${p}`, filters.from);
  if (filters.to !== undefined) add((p) => `finished_at < ${p}`, filters.to);
  if (filters.args !== undefined && filters.args.length > 0)
    add((p) => `search_terms @> ${p}::text[]`, [...filters.args]);
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', values };
}

/** The page's SQL (also run by the benchmark as written, and forced to a sequential scan). */
export function searchSql(filters: HistoryFilters, page: HistoryPage): { text: string; values: unknown[] } {
  const { where, values } = historyWhere(filters);
  return {
    text: `SELECT ${SELECT_COLUMNS} FROM job_executions ${where}
      ORDER BY finished_at DESC, id DESC LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset ?? 0)}`,
    values,
  };
}

/** One page of matches, newest first, and how many match (counted up to COUNT_CAP + 1). */
export async function searchExecutions(
  db: SqlReader,
  filters: HistoryFilters,
  page: HistoryPage,
): Promise<{ rows: StoredExecution[]; total: number }> {
  const { text, values } = searchSql(filters, page);
  const { where } = historyWhere(filters);
  const [found, counted] = await Promise.all([
    db.query<StoredExecution>(text, values),
    db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM job_executions ${where} LIMIT ${COUNT_CAP + 1}) AS m`,
      values,
    ),
  ]);
  return { rows: found.rows, total: counted.rows[0]?.n ?? 0 };
}

/** Every recorded execution of one job, first attempt first. */
export async function executionsOfJob(db: SqlReader, jobId: string): Promise<StoredExecution[]> {
  const { rows } = await db.query<StoredExecution>(
    `SELECT ${SELECT_COLUMNS} FROM job_executions WHERE job_id = $1 ORDER BY started_at, id`,
    [jobId],
  );
  return rows;
}

/** Deletes at most `limit` executions finished before `cutoff`; resolves how many. */
export async function deleteExecutionsBefore(db: SqlReader, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM job_executions WHERE id IN (
         SELECT id FROM job_executions WHERE finished_at < $1 ORDER BY finished_at LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [cutoff, limit],
  );
  return rows[0]?.n ?? 0;
}
