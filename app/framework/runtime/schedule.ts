/**
 * The clock's schedule: entries (task name, cron expression, job, arguments, time zone) checked
 * once at boot and turned into tasks, their next run times (node-cron's own computation, so what
 * is shown is what fires) and the deterministic job id of each tick.
 *
 * Steps (resolveSchedule): for each entry check the name (letters, digits, _ -; unique), the cron
 * expression (node-cron's validateDetailed, 5 fields or 6 with seconds first), the time zone
 * (IANA, default UTC), that the job is a registered class (or the stored name of one), and that
 * the arguments serialize; the first problem throws a ScheduleError naming the entry.
 *
 * Example:
 *   const tasks = resolveSchedule([{ name: 'prune_jobs', cron: '0 * * * *', job: PruneJobsJob }]);
 *   nextRuns(tasks[0], 3)                     // the next three run times from now
 *   tickJobId('prune_jobs', new Date('2025-01-01T10:00:00Z'))  // 'cron.prune_jobs.20250101T100000Z'
 */
import { createTask, validateDetailed } from 'node-cron';
import { serializeArguments } from '../arguments';
import { BacklotError } from '../errors';
import type { AnyJobClass } from '../job';
import { isRegistered, jobNameOf, lookupJob, registeredJobNames } from '../registry';

export interface ScheduleEntry {
  /** Task name: letters, digits, _ and -; unique in the schedule; part of every tick's job id. */
  name: string;
  /** node-cron expression: 5 fields (minute first) or 6 (second first), read in `timezone`. */
  cron: string;
  /** The job class, or its stored name; it must be registered (the app's job list). */
  job: AnyJobClass | string;
  /** Arguments passed to perform; anything performLater accepts. @defaultValue [] */
  args?: readonly unknown[];
  /** IANA time zone the expression is read in. @defaultValue 'UTC' */
  timezone?: string;
}

/** A checked schedule entry. */
export interface ScheduledTask {
  name: string;
  cron: string;
  timezone: string;
  jobClass: AnyJobClass;
  /** The job's stored name (what workers look up). */
  jobName: string;
  args: readonly unknown[];
}

/** A schedule entry is invalid; raised at boot, before the clock schedules anything. */
export class ScheduleError extends BacklotError {
  override name = 'ScheduleError';
}

/** A schedule entry names a job class that is not registered. */
export class UnknownScheduledJobError extends ScheduleError {
  override name = 'UnknownScheduledJobError';
}

export const DEFAULT_TIMEZONE = 'UTC';
const TASK_NAME = /^[A-Za-z0-9_-]{1,100}$/;

function validTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function resolveJob(entry: ScheduleEntry): AnyJobClass {
  const name = typeof entry.job === 'string' ? entry.job : jobNameOf(entry.job);
  const registered = isRegistered(name) ? lookupJob(name) : undefined;
  if (!registered || (typeof entry.job !== 'string' && registered !== entry.job)) {
    throw new UnknownScheduledJobError(
      `schedule entry "${entry.name}" names job class ${name}, which is not registered (registered: ${registeredJobNames().join(', ') || 'none'})`,
    );
  }
  return registered;
}

/** Checks every entry; throws a ScheduleError for the first invalid one. */
export function resolveSchedule(entries: readonly ScheduleEntry[]): ScheduledTask[] {
  const seen = new Set<string>();
  return entries.map((entry) => {
    if (typeof entry.name !== 'string' || !TASK_NAME.test(entry.name)) {
      throw new ScheduleError(
        `schedule entry name must be letters, digits, _ or - (got ${JSON.stringify(entry.name)})`,
      );
    }
    if (seen.has(entry.name)) throw new ScheduleError(`two schedule entries are named "${entry.name}"`);
    seen.add(entry.name);
    const problems = validateDetailed(String(entry.cron)).errors;
    if (problems.length > 0) {
      throw new ScheduleError(
        `schedule entry "${entry.name}" has an invalid cron expression "${entry.cron}": ${problems.map((p) => p.message).join('; ')}`,
      );
    }
    const timezone = entry.timezone ?? DEFAULT_TIMEZONE;
    if (!validTimezone(timezone)) {
      throw new ScheduleError(
        `schedule entry "${entry.name}" has an unknown time zone "${timezone}" (an IANA name such as UTC or Europe/Berlin)`,
      );
    }
    const jobClass = resolveJob(entry);
    const args = entry.args ?? [];
    try {
      serializeArguments([...args]);
    } catch (error) {
      throw new ScheduleError(`schedule entry "${entry.name}": ${(error as Error).message}`);
    }
    return { name: entry.name, cron: entry.cron, timezone, jobClass, jobName: jobNameOf(jobClass), args };
  });
}

/** The task's next `count` run times after now, as node-cron computes them. */
export function nextRuns(task: Pick<ScheduledTask, 'cron' | 'timezone'>, count = 1): Date[] {
  const probe = createTask(task.cron, () => undefined, { timezone: task.timezone });
  try {
    return probe.getNextRuns(count);
  } finally {
    void probe.destroy();
  }
}

/** `cron.<task>.<scheduled time in ISO 8601 basic format, UTC>`: one id per task and tick. */
export function tickJobId(taskName: string, scheduledAt: Date): string {
  const basic = scheduledAt
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll('-', '')
    .replaceAll(':', '');
  return `cron.${taskName}.${basic}`;
}
