/**
 * The framework's log lines (written by job-log-subscriber.ts from the job events): one INFO line
 * per enqueue, retry and discard, one ERROR line per failure, each with jobId, jobClass, queue,
 * attempt and (when finished) durationMs (to the microsecond); the per-job start and finish lines
 * are job-lines.ts. Argument values appear only at DEBUG, with configured secret keys replaced by
 * [FILTERED].
 *
 * Example: logEnqueued(job) -> {"msg":"Enqueued ResizeJob (Job ID: 4f..) to default","jobId":...}
 */
import { unknownJobClass } from './registry';
import { backlotSettings } from './settings';
import type { Job } from './job';

const FILTERED = '[FILTERED]';

/** The lowercased keys of each filter list seen (a list is replaced, never changed, by configureBacklot). */
const loweredKeys = new WeakMap<readonly string[], ReadonlySet<string>>();

function lowercased(keys: readonly string[]): ReadonlySet<string> {
  let lowered = loweredKeys.get(keys);
  if (!lowered) loweredKeys.set(keys, (lowered = new Set(keys.map((k) => k.toLowerCase()))));
  return lowered;
}

/** Deep copy of a value with the configured secret keys filtered. */
export function filterSecrets(
  value: unknown,
  keys: readonly string[] = backlotSettings().filterKeys,
): unknown {
  const lowered = lowercased(keys);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      if (v instanceof Date || v instanceof Map || v instanceof Set) return v;
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v))
        out[k] = lowered.has(k.toLowerCase()) ? FILTERED : walk(item);
      return out;
    }
    return typeof v === 'bigint' ? `${v}n` : v;
  };
  return walk(value);
}

/** The fields every job line and job event carries. */
export function jobFields(job: Job): { jobId: string; jobClass: string; queue: string; attempt: number } {
  return { jobId: job.jobId, jobClass: job.jobClassName, queue: job.queueName, attempt: job.executions };
}

/** The line with the job's arguments (secrets filtered) when the logger writes DEBUG. */
export function withArgs(job: Job, line: Record<string, unknown>): Record<string, unknown> {
  const log = backlotSettings().logger;
  if (!log.isLevelEnabled('debug')) return line;
  return { ...line, arguments: filterSecrets(job.arguments) };
}

/** `staged`: written to the outbox in the caller's transaction; the relay enqueues it after commit. */
export function logEnqueued(job: Job, staged = false): void {
  const at = job.scheduledAt ? ` at ${job.scheduledAt.toISOString()}` : '';
  const line = { event: 'enqueue', ...jobFields(job), scheduledAt: job.scheduledAt?.toISOString() };
  backlotSettings().logger.info(
    withArgs(job, staged ? { ...line, staged: true } : line),
    `Enqueued ${job.jobClassName} (Job ID: ${job.jobId}) to ${job.queueName}${at}${staged ? ' through the outbox (in transaction)' : ''}`,
  );
}

export function logEnqueueHalted(job: Job): void {
  backlotSettings().logger.info(
    { event: 'enqueue_halted', ...jobFields(job) },
    `Failed enqueuing ${job.jobClassName} to ${job.queueName}: a before_enqueue callback halted`,
  );
}

/** durationMs as the lines carry it: to the microsecond (1.0836749999998574 -> 1.084), as Sidekiq rounds its elapsed. */
export const microseconds = (ms: number) => Math.round(ms * 1000) / 1000;

export function logHalted(job: Job): void {
  backlotSettings().logger.info(
    { event: 'perform_halted', ...jobFields(job) },
    `Did not perform ${job.jobClassName} (Job ID: ${job.jobId}): a before_perform callback halted`,
  );
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name} (${error.message})` : String(error);
}

export function logRetry(job: Job, error: unknown, delayMs: number, durationMs: number): void {
  backlotSettings().logger.info(
    {
      event: 'retry',
      ...jobFields(job),
      durationMs: microseconds(durationMs),
      delayMs,
      error: errorName(error),
    },
    `Retrying ${job.jobClassName} (Job ID: ${job.jobId}) after ${job.executions} attempts in ${(delayMs / 1000).toFixed(1)}s, due to a ${errorName(error)}`,
  );
}

export function logDiscarded(job: Job, error: unknown, durationMs: number): void {
  backlotSettings().logger.info(
    { event: 'discard', ...jobFields(job), durationMs: microseconds(durationMs), error: errorName(error) },
    `Discarded ${job.jobClassName} (Job ID: ${job.jobId}) due to a ${errorName(error)}`,
  );
}

export function logFailed(job: Job, error: unknown, durationMs: number, exhausted: boolean): void {
  const why = exhausted ? `, which reoccurred on ${job.executions} attempts` : '';
  backlotSettings().logger.error(
    { event: 'failure', ...jobFields(job), durationMs: microseconds(durationMs), err: error },
    `Error performing ${job.jobClassName} (Job ID: ${job.jobId}) from ${job.queueName}: ${errorName(error)}${why}`,
  );
}

export function logUnknownJob(jobClass: string, jobId: string, queue: string): void {
  backlotSettings().logger.error(
    { event: 'failure', jobId, jobClass, queue },
    `Error performing job ${jobId} from ${queue}: ${unknownJobClass(jobClass).message}`,
  );
}

/** A job the worker cannot run at all (malformed data or payload): ERROR at every log level. */
export function logUnrunnableJob(jobId: string, queue: string, jobClass: string, reason: string): void {
  backlotSettings().logger.error(
    { event: 'failure', jobId, jobClass, queue, reason },
    `Error performing job ${jobId} from ${queue}: ${reason}`,
  );
}

/** The worker lost the job's lock while it ran: the run is told to stop and reports nothing. */
export function logLockLost(job: Job, error: Error, durationMs: number): void {
  backlotSettings().logger.warn(
    { event: 'lock_lost', ...jobFields(job), durationMs: microseconds(durationMs), reason: error.message },
    `Stopped ${job.jobClassName} (Job ID: ${job.jobId}): ${error.message}`,
  );
}

export function logCanceled(job: Job, error: Error, durationMs: number): void {
  backlotSettings().logger.info(
    { event: 'cancel', ...jobFields(job), durationMs: microseconds(durationMs), reason: error.message },
    `Canceled ${job.jobClassName} (Job ID: ${job.jobId}): ${error.message}`,
  );
}

export function logInterrupted(job: Job, durationMs: number): void {
  backlotSettings().logger.warn(
    { event: 'interrupt', ...jobFields(job), durationMs: microseconds(durationMs) },
    `Interrupted ${job.jobClassName} (Job ID: ${job.jobId}) at shutdown: back to ${job.queueName}`,
  );
}

export function logDuplicate(job: Job): void {
  backlotSettings().logger.info(
    { event: 'enqueue_skipped', ...jobFields(job), duplicateOf: job.duplicateOf },
    `Skipped enqueuing ${job.jobClassName}: an equal unique job is queued (Job ID: ${job.duplicateOf})`,
  );
}
