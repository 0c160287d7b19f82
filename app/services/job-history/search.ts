/**
 * Job history search: what the admin jobs page and bin/jobs ask of job history, merged with the
 * live state in Redis (waiting, active, delayed jobs have no execution row yet).
 *
 * Steps: parseHistoryQuery checks the raw input (a form's query string, bin/jobs' options) and
 * throws HistoryQueryError naming the field and what was wrong; searchHistory runs the filters
 * on job_executions (one page, newest first, with the number of matches) and, on the first
 * page, adds the live jobs of the same queue/class/id from Redis (JobInspector.list); argument
 * filters apply to history only. jobTimeline lists every recorded attempt of one job.
 *
 * Example:
 *   const query = parseHistoryQuery({ jobClass: 'ResizeJob', state: 'failed', args: 'post=123' }, queues);
 *   const { executions, total, live } = await searchHistory(pool, query, inspector);
 */
import { EXECUTION_STATES, type JobInspector, type JobSummary } from '../../framework/index';
import {
  COUNT_CAP,
  executionsOfJob,
  searchExecutions,
  type HistoryFilters,
  type StoredExecution,
} from '../../db/job-history.repository';
import type { SqlReader } from '../../db/deletion.repository';
import { ArgumentQueryError, parseArgumentQuery } from './search-terms';

/** States only Redis knows (no execution has finished yet). */
export const LIVE_STATES = ['waiting', 'active', 'delayed'] as const;
export type LiveState = (typeof LIVE_STATES)[number];
export const SEARCH_STATES: readonly string[] = [...LIVE_STATES, ...EXECUTION_STATES];

/** Rows per page. */
export const HISTORY_PAGE_SIZE = 50;
/** Pages at most (OFFSET paging). */
export const MAX_HISTORY_PAGE = 200;
/** Live jobs shown above the first page at most. */
export const LIVE_LIMIT = 20;

export class HistoryQueryError extends Error {
  override name = 'HistoryQueryError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface HistoryQuery extends HistoryFilters {
  page: number;
  /** The argument query as typed, for the form. */
  argsText?: string;
}

const NAME = /^[A-Za-z0-9_.:$-]{1,200}$/;

function text(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HistoryQueryError(field, 'give it once, as text');
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function name(input: Record<string, unknown>, field: string, what: string): string | undefined {
  const value = text(input, field);
  if (value !== undefined && !NAME.test(value))
    throw new HistoryQueryError(field, `not a ${what} (letters, digits, _ . : $ -, up to 200 characters)`);
  return value;
}

function time(input: Record<string, unknown>, field: string): Date | undefined {
  const value = text(input, field);
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new HistoryQueryError(
      field,
      `"${value.slice(0, 40)}" is not a time (e.g. 2026-12-03 or 2026-12-03T10:00Z)`,
    );
  return date;
}

/** The search input checked; every problem names its field. */
export function parseHistoryQuery(input: Record<string, unknown>, queues: readonly string[]): HistoryQuery {
  const query: HistoryQuery = { page: 1 };
  const queue = text(input, 'queue');
  if (queue !== undefined) {
    if (!queues.includes(queue))
      throw new HistoryQueryError(
        'queue',
        `unknown queue "${queue.slice(0, 40)}" (queues: ${queues.join(', ')})`,
      );
    query.queue = queue;
  }
  const state = text(input, 'state');
  if (state !== undefined) {
    if (!SEARCH_STATES.includes(state))
      throw new HistoryQueryError(
        'state',
        `unknown state "${state.slice(0, 40)}" (states: ${SEARCH_STATES.join(', ')})`,
      );
    query.state = state;
  }
  const jobClass = name(input, 'jobClass', 'job class name');
  if (jobClass !== undefined) query.jobClass = jobClass;
  const errorClass = name(input, 'errorClass', 'error class name');
  if (errorClass !== undefined) query.errorClass = errorClass;
  const jobId = name(input, 'jobId', 'job id');
  if (jobId !== undefined) query.jobId = jobId;
  const from = time(input, 'from');
  if (from) query.from = from;
  const to = time(input, 'to');
  if (to) query.to = to;
  if (from && to && from >= to) throw new HistoryQueryError('to', 'must be later than from');
  const args = text(input, 'args');
  if (args !== undefined) {
    try {
      query.args = parseArgumentQuery(args);
    } catch (error) {
      if (error instanceof ArgumentQueryError) throw new HistoryQueryError('args', error.message);
      throw error;
    }
    // As parsed (terms split on whitespace), so a link or redirect carrying it stays its terms' size.
    query.argsText = args.split(/\s+/).join(' ');
  }
  const page = text(input, 'page');
  if (page !== undefined) {
    const n = Number(page);
    if (!Number.isInteger(n) || n < 1 || n > MAX_HISTORY_PAGE)
      throw new HistoryQueryError(
        'page',
        `a whole number from 1 to ${MAX_HISTORY_PAGE} (got "${page.slice(0, 20)}")`,
      );
    query.page = n;
  }
  return query;
}

export interface HistoryResult {
  executions: StoredExecution[];
  /** Matches in history, counted up to COUNT_CAP (totalCapped: there are more). */
  total: number;
  totalCapped: boolean;
  page: number;
  pages: number;
  /** Waiting, active and delayed jobs from Redis matching the filters (first page only). */
  live: JobSummary[];
}

function isLiveState(state: string | undefined): state is LiveState {
  return (LIVE_STATES as readonly string[]).includes(state ?? '');
}

async function liveJobs(inspector: JobInspector, query: HistoryQuery): Promise<JobSummary[]> {
  // Argument, error and time filters describe finished executions; live jobs have none.
  if (query.args || query.errorClass || query.from || query.to) return [];
  if (query.state !== undefined && !isLiveState(query.state)) return [];
  const states: readonly LiveState[] = query.state ? [query.state] : LIVE_STATES;
  if (query.jobId !== undefined) {
    const job = await inspector.find(query.jobId);
    if (!job) return [];
    const summary = await inspector.summarize(job);
    return (states as readonly string[]).includes(summary.state) ? [summary] : [];
  }
  const lists = await Promise.all(
    states.map((state) => inspector.list({ queue: query.queue, state, limit: LIVE_LIMIT })),
  );
  return lists
    .flat()
    .filter((job) => query.jobClass === undefined || job.jobClass === query.jobClass)
    .sort((a, b) => (b.enqueuedAt ?? '').localeCompare(a.enqueuedAt ?? ''))
    .slice(0, LIVE_LIMIT);
}

/** One page of history (newest first) plus, on page 1, the matching live jobs. */
export async function searchHistory(
  db: SqlReader,
  query: HistoryQuery,
  inspector?: JobInspector,
): Promise<HistoryResult> {
  const historyOnly = !isLiveState(query.state);
  const filters: HistoryFilters = { ...query };
  const [found, live] = await Promise.all([
    historyOnly
      ? searchExecutions(db, filters, {
          limit: HISTORY_PAGE_SIZE,
          offset: (query.page - 1) * HISTORY_PAGE_SIZE,
        })
      : Promise.resolve({ rows: [], total: 0 }),
    inspector && query.page === 1 ? liveJobs(inspector, query) : Promise.resolve([]),
  ]);
  const total = Math.min(found.total, COUNT_CAP);
  return {
    executions: found.rows,
    total,
    totalCapped: found.total > COUNT_CAP,
    page: query.page,
    pages: Math.min(MAX_HISTORY_PAGE, Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE))),
    live,
  };
}

/** A job's recorded attempts, first first. */
export function jobTimeline(db: SqlReader, jobId: string): Promise<StoredExecution[]> {
  return executionsOfJob(db, jobId);
}
