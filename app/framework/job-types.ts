/**
 * The types around the Job class: what a job class is (JobClass, AnyJobClass) and what its
 * perform takes and returns (PerformArgs, PerformResult), so performLater, performNow and
 * Job.set(...) are checked against perform's signature. job.ts re-exports them.
 *
 * Steps: none at run time (types only).
 *
 * Example:
 *   type Args = PerformArgs<ResizeJob>;            // [url: string, width: number]
 *   function enqueueAll(cls: JobClass<ResizeJob>, ...args: Args) { ... }
 */
import type { Job } from './job';

export type PerformArgs<J> = J extends { perform(...args: infer A): unknown } ? A : never;
export type PerformResult<J> = J extends { perform(...args: any[]): infer R } ? Awaited<R> : never;

/** A concrete job class producing J. */
export interface JobClass<J extends Job = Job> {
  new (): J;
  readonly name: string;
  jobName?: string;
}

/** Any job class, abstract or concrete (for registries and settings). */
export type AnyJobClass = (abstract new () => Job) & {
  readonly name: string;
  jobName?: string;
  timeout: number;
  touchTimeout: number;
};
