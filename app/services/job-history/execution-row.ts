/**
 * One finished execution (the framework's ExecutionRecord) as a job_executions row: done by the
 * recorder when it flushes, off the job's path.
 *
 * Steps: the stored arguments with secret keys filtered exactly as the logs filter them
 * (filterSecrets over LOG_FILTER_KEYS), their search terms (search-terms.ts), the error's
 * class and message (cut to MAX_ERROR_MESSAGE), enqueue time, start/finish times and duration,
 * and this process's host and pid.
 *
 * Example: toExecutionRow(entry, { host: 'web-1', pid: 4242, filterKeys: ['password'] })
 */
import { filterSecrets, type ExecutionRecord } from '../../framework/index';
import type { ExecutionRow } from '../../db/job-history.repository';
import { scanArguments, searchTermsOf } from './search-terms';

/** Error messages are stored up to this many characters. */
export const MAX_ERROR_MESSAGE = 2_000;

export interface RowContext {
  host: string;
  pid: number;
  filterKeys: readonly string[];
  /** filterKeys lowercased (filterSecrets compares keys case-insensitively). */
  secretKeys: ReadonlySet<string>;
}

export function rowContext(host: string, pid: number, filterKeys: readonly string[]): RowContext {
  return { host, pid, filterKeys, secretKeys: new Set(filterKeys.map((key) => key.toLowerCase())) };
}

/**
 * The arguments as stored in history and their terms. One read-only walk; only arguments that
 * hold a secret key are copied, by the logs' own filterSecrets (most hold none, and then the
 * filtered copy would equal the stored arguments).
 */
function storedArguments(
  stored: readonly unknown[] | undefined,
  context: RowContext,
): { value: unknown; terms: string[] } {
  if (!stored || stored.length === 0) return { value: null, terms: [] };
  const scan = scanArguments(stored, context.secretKeys);
  if (!scan.hasSecret) return { value: stored, terms: scan.terms };
  const filtered = filterSecrets(stored, context.filterKeys);
  return { value: filtered, terms: searchTermsOf(filtered) };
}

/** The error's class: its constructor's name, or its `name` for plain Errors that set one. */
export function errorClassOf(error: Error): string {
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof ctor === 'string' && ctor !== '' && ctor !== 'Error' ? ctor : error.name || 'Error';
}

export function toExecutionRow(entry: ExecutionRecord, context: RowContext): ExecutionRow {
  const { error } = entry;
  const args = storedArguments(entry.arguments, context);
  return {
    jobId: entry.jobId,
    jobClass: entry.jobClass,
    queue: entry.queue,
    state: entry.state,
    attempt: entry.attempt,
    arguments: args.value,
    searchTerms: args.terms,
    errorClass: error ? errorClassOf(error) : null,
    errorMessage: error ? error.message.slice(0, MAX_ERROR_MESSAGE) : null,
    enqueuedAt: entry.enqueuedAt ?? null,
    startedAt: entry.startedAt,
    finishedAt: entry.finishedAt,
    durationMs: Math.max(0, entry.finishedAt - entry.startedAt),
    workerHost: context.host,
    workerPid: context.pid,
    parentJobId: entry.parentJobId ?? null,
  };
}
