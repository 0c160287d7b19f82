/**
 * Stored job name -> job class. Workers find classes here; two classes with one name fail at boot.
 *
 * Example: registerJobs([ResizeJob, MailDeliveryJob]); lookupJob('ResizeJob')
 */
import { DuplicateJobClassError, UnknownJobClassError } from './errors';
import type { AnyJobClass } from './job';

const classes = new Map<string, AnyJobClass>();

/** The class's own static jobName, else its class name (a subclass does not inherit its parent's jobName). */
export function jobNameOf(cls: AnyJobClass): string {
  return (Object.hasOwn(cls, 'jobName') ? cls.jobName : undefined) ?? cls.name;
}

export function registerJobs(list: readonly AnyJobClass[]): void {
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

export function lookupJob(name: string): AnyJobClass {
  const cls = classes.get(name);
  if (!cls) throw new UnknownJobClassError(name);
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
