/**
 * Options accepted by Job.set() and validated at enqueue time, each failure naming the option.
 *
 * Example: applyJobOptions(job, { wait: 30, queue: 'bulk_update', priority: 5 })
 */
import { JobOptionsError } from './errors';

export interface JobOptions {
  /** Delay in seconds before the job may run. */
  wait?: number;
  /** The time from which the job may run (a Date or ms since the epoch). */
  waitUntil?: Date | number;
  /** Queue name, overriding the class's queueAs. */
  queue?: string;
  /** 1 (highest) .. 2,097,152; overrides queueWithPriority. */
  priority?: number;
  /**
   * The job's id (Backlot's and BullMQ's), for deterministic ids such as the clock's
   * `cron.<task>.<time>`: BullMQ adds nothing while a job with this id is still stored.
   * @defaultValue 24 random hex characters (job-id.ts)
   */
  jobId?: string;
}

export const MAX_PRIORITY = 2_097_152;

const OPTION_NAMES = ['wait', 'waitUntil', 'queue', 'priority', 'jobId'];

/** The keys of `options` not in `known`, quoted and joined ('"delay", "attempts"'), or undefined. */
export function unknownOptionNames(options: object, known: readonly string[]): string | undefined {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  return unknown.length > 0 ? unknown.map((key) => `"${key}"`).join(', ') : undefined;
}

/**
 * Refuses what is not an options object, and any option Backlot does not know: a BullMQ name
 * (`delay`, `attempts`) would otherwise be dropped silently and the job run at once, with defaults.
 */
export function checkOptionNames(options: unknown): asserts options is JobOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new JobOptionsError(
      `job options must be an object such as { wait: 60 } (got ${options === null ? 'null' : typeof options})`,
    );
  const unknown = unknownOptionNames(options, OPTION_NAMES);
  if (unknown)
    throw new JobOptionsError(
      `unknown job option ${unknown} (options: ${OPTION_NAMES.join(', ')}; attempts come from retryOn)`,
    );
}
const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function validateQueueName(name: unknown, known?: readonly string[]): string {
  if (typeof name !== 'string' || !QUEUE_NAME.test(name)) {
    throw new JobOptionsError(`queue must be a name of letters, digits, _ . - (got ${JSON.stringify(name)})`);
  }
  if (known && known.length > 0 && !known.includes(name)) {
    throw new JobOptionsError(`unknown queue "${name}" (configured queues: ${known.join(', ')})`);
  }
  return name;
}

export function validatePriority(priority: unknown): number {
  if (
    typeof priority !== 'number' ||
    !Number.isInteger(priority) ||
    priority < 0 ||
    priority > MAX_PRIORITY
  ) {
    throw new JobOptionsError(
      `priority must be a whole number from 0 to ${MAX_PRIORITY} (got ${String(priority)})`,
    );
  }
  return priority;
}

/** A job id BullMQ accepts: 1-200 characters, not an integer, no ':' (BullMQ's own key separator). */
export function validateJobId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200 || id.includes(':') || /^\d+$/.test(id)) {
    throw new JobOptionsError(
      `jobId must be 1-200 characters, not an integer, without ':' (got ${JSON.stringify(id)})`,
    );
  }
  return id;
}

/** The time the options ask the job to wait for, or undefined to run now. */
export function scheduledTime(options: JobOptions, now = Date.now()): Date | undefined {
  if (options.wait !== undefined && options.waitUntil !== undefined) {
    throw new JobOptionsError('give either wait or waitUntil, not both');
  }
  if (options.wait !== undefined) {
    if (typeof options.wait !== 'number' || !Number.isFinite(options.wait) || options.wait < 0) {
      throw new JobOptionsError(`wait must be a number of seconds >= 0 (got ${String(options.wait)})`);
    }
    if (options.wait === 0) return undefined;
    const at = new Date(now + options.wait * 1000);
    if (Number.isNaN(at.getTime()))
      throw new JobOptionsError(`wait must be a number of seconds a Date can reach (got ${options.wait})`);
    return at;
  }
  if (options.waitUntil !== undefined) {
    const at = options.waitUntil instanceof Date ? options.waitUntil : new Date(options.waitUntil);
    if (Number.isNaN(at.getTime()))
      throw new JobOptionsError(`waitUntil must be a valid Date (got ${String(options.waitUntil)})`);
    return at;
  }
  return undefined;
}
