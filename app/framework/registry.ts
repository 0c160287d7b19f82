/**
 * Stored job name -> job class. Workers find classes here; two classes with one name fail at boot.
 *
 * An app that lists its classes in one file declares it with requireRegistration(): enqueueing a
 * class missing from that list then fails at once ('throw', development and test) or logs one
 * warning per class ('warn', production), because a worker, which loads only that list, would fail
 * the job as an unknown class. Without a policy (the framework's own tests, scripts) a class is
 * registered by its first enqueue.
 *
 * Example: registerJobs([ResizeJob, MailDeliveryJob]); lookupJob('ResizeJob')
 *          requireRegistration({ registeredIn: 'jobs/index.ts', unregistered: 'throw' })
 */
import {
  DuplicateJobClassError,
  InvalidJobClassError,
  UnknownJobClassError,
  UnregisteredJobClassError,
} from './errors';
import type { AnyJobClass } from './job';
import { backlotSettings } from './settings';

const classes = new Map<string, AnyJobClass>();

/** Where an app lists its job classes, and what enqueueing a class missing from it does. */
export interface RegistrationPolicy {
  /** The file that lists the app's job classes, named in errors (e.g. "jobs/index.ts"). */
  registeredIn: string;
  /** 'throw': UnregisteredJobClassError at performLater; 'warn': one warning per class, then enqueued. */
  unregistered: 'throw' | 'warn';
}

let policy: RegistrationPolicy | undefined;
const warned = new Set<string>();

/** Declares (or, with undefined, forgets) the app's registration policy. */
export function requireRegistration(next: RegistrationPolicy | undefined): void {
  policy = next;
  warned.clear();
}

/** The class's own static jobName, else its class name (a subclass does not inherit its parent's jobName). */
export function jobNameOf(cls: AnyJobClass): string {
  return (Object.hasOwn(cls, 'jobName') ? cls.jobName : undefined) ?? cls.name;
}

/** What registerJobs() refuses, or undefined: not a Job class, or a jobName that is not a name. */
function invalidEntry(cls: unknown, index: number): string | undefined {
  // Job's own statics mark a Job class (this module cannot import Job: it would be a cycle).
  if (typeof cls !== 'function' || typeof (cls as { performLater?: unknown }).performLater !== 'function') {
    const what =
      typeof cls === 'function'
        ? `class ${cls.name || '(anonymous)'}, which does not extend Job`
        : String(cls);
    return `registerJobs takes Job classes: entry ${index + 1} is ${what}${cls === undefined ? ' (an import cycle?)' : ''}`;
  }
  const own = Object.hasOwn(cls, 'jobName') ? (cls as { jobName?: unknown }).jobName : undefined;
  if (own !== undefined && (typeof own !== 'string' || own === ''))
    return `${cls.name}'s static jobName must be a non-empty string (got ${JSON.stringify(own)})`;
  for (const key of ['timeout', 'touchTimeout'] as const) {
    const seconds = (cls as { [k in typeof key]?: unknown })[key];
    if (typeof seconds !== 'number' || Number.isNaN(seconds))
      return `${cls.name}'s static ${key} must be a number of seconds (got ${JSON.stringify(seconds)})`;
  }
  return undefined;
}

export function registerJobs(list: readonly AnyJobClass[]): void {
  list.forEach((cls, index) => {
    const invalid = invalidEntry(cls, index);
    if (invalid) throw new InvalidJobClassError(invalid);
  });
  for (const cls of list) {
    const name = jobNameOf(cls);
    const existing = classes.get(name);
    if (existing === cls) continue;
    if (existing) {
      throw new DuplicateJobClassError(
        `two job classes are named "${name}": set a distinct static jobName on one of them`,
      );
    }
    classes.set(name, cls);
  }
}

/**
 * Called for each job being enqueued: a registered class passes; an unregistered one is refused or
 * warned about per the policy (see requireRegistration), or registered when there is none.
 */
export function checkEnqueuedClass(cls: AnyJobClass): void {
  const name = jobNameOf(cls);
  if (classes.get(name) === cls) return;
  if (policy && !classes.has(name)) {
    if (policy.unregistered === 'throw') throw new UnregisteredJobClassError(name, policy.registeredIn);
    if (!warned.has(name)) {
      warned.add(name);
      const { message } = new UnregisteredJobClassError(name, policy.registeredIn);
      backlotSettings().logger.warn({ event: 'unregistered_job', jobClass: name }, message);
    }
  }
  registerJobs([cls]);
}

/** What a worker says about a stored name it has no class for, with how to fix it. */
export function unknownJobClass(name: string): UnknownJobClassError {
  return new UnknownJobClassError(name, policy?.registeredIn);
}

export function lookupJob(name: string): AnyJobClass {
  const cls = classes.get(name);
  if (!cls) throw unknownJobClass(name);
  return cls;
}

export function isRegistered(name: string): boolean {
  return classes.has(name);
}

export function registeredJobs(): AnyJobClass[] {
  return [...classes.values()];
}

export function registeredJobNames(): string[] {
  return [...classes.keys()].sort();
}

/** Forgets every class (tests only). */
export function clearRegistry(): void {
  classes.clear();
}
