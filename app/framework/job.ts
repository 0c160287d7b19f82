/**
 * The base job class (Active Job's Base): subclasses implement perform(...args); the class side
 * offers performLater, performNow, set, build, performAllLater and the declarations
 * (job-declarations.ts). The instance's stored state and its payload are job-payload-state.ts;
 * what perform sees (this.logger, this.signal, step(name, fn), touch) is job-runtime.ts;
 * the types around the class are job-types.ts.
 *
 * Lifecycle: build (arguments kept) -> enqueue (validated, serialized, handed to the adapter) ->
 * a worker deserializes and executes it (execution.ts) -> completed, retried, discarded or failed.
 *
 * Example:
 *   class ResizeJob extends ApplicationJob {
 *     static { this.queueAs('images'); this.retryOn(NetworkError, { attempts: 3 }) }
 *     async perform(url: string, width: number) { ... }
 *   }
 *   await ResizeJob.performLater('https://..', 640);   // ResizeJob.performLater(640) does not compile
 *   await ResizeJob.set({ wait: 60 }).performLater('https://..', 320);
 *   await transaction(prisma, async (tx) => {       // staged in the outbox: gone on rollback
 *     await tx.post.update(...); await ResizeJob.performLater('https://..', 640);
 *   });                                              // (outbox/scope.ts; or Job.inTransaction(tx))
 */
import { settingsOf } from './class-settings';
import { ConfiguredJob } from './configured-job';
import {
  enqueueAll,
  enqueueFlow,
  enqueueJob,
  type DependencyFailurePolicy,
  type EnqueueScope,
} from './enqueuing';
import { JobOptionsError } from './errors';
import { performNow } from './execution';
import { emitJobEvent } from './instrumentation';
import { unknownOptionNames, type JobOptions } from './job-options';
import { JobRuntime } from './job-runtime';
import type { JobClass, PerformArgs, PerformResult } from './job-types';

/** The stored payload and the adapter hooks live in job-payload.ts, the class's types in job-types.ts. */
export type { ExecutionContext, JobPayload } from './job-payload';
export type { AnyJobClass, JobClass, PerformArgs, PerformResult } from './job-types';

export abstract class Job extends JobRuntime {
  /** The name stored in the queue and looked up by workers. @defaultValue the class name */
  static jobName?: string;
  /** Seconds perform may run before it is aborted and fails "timed out after ..."; Infinity for no limit. @defaultValue 86400 (24 h) */
  static timeout = 86_400;
  /** Seconds without reportProgress() or touch() before perform is aborted ("no progress for ..."); Infinity for no limit. @defaultValue 600 */
  static touchTimeout = 600;

  abstract perform(...args: any[]): unknown;

  /** Reports progress (a percentage or an object) to the queue, where dashboards see it. */
  async reportProgress(value: number | object): Promise<void> {
    this.touch();
    emitJobEvent({ name: 'progress', job: this, progress: value });
    await this.context?.progress(value);
  }

  /** Enqueues this job to run after every dependency (BullMQ flows); one failed for good: 'fail' or 'run' it. */
  async enqueueAfter(
    dependencies: readonly Job[],
    options: { ifDependencyFails?: DependencyFailurePolicy } & EnqueueScope = {},
  ): Promise<void> {
    checkBuiltJobs(dependencies, 'enqueueAfter');
    if (dependencies.includes(this)) throw new JobOptionsError('enqueueAfter: a job cannot depend on itself');
    const unknown = unknownOptionNames(options, AFTER_OPTIONS);
    if (unknown)
      throw new JobOptionsError(
        `enqueueAfter has no option ${unknown} (options: ${AFTER_OPTIONS.join(', ')})`,
      );
    await enqueueFlow(this, dependencies, options.ifDependencyFails ?? 'fail', options);
  }

  /** Enqueues this instance (in scope.transaction: staged); resolves false when a before_enqueue callback halted. */
  enqueue(options: JobOptions = {}, scope: EnqueueScope = {}): Promise<boolean> {
    return enqueueJob(this, options, scope);
  }

  /** A job instance holding its arguments, not yet enqueued (for performAllLater). */
  static build<J extends Job>(this: JobClass<J>, ...args: PerformArgs<J>): J {
    const job = new this();
    job.arguments = args;
    const settings = settingsOf(this);
    job.queueName = typeof settings.queueName === 'function' ? settings.queueName(job) : settings.queueName;
    job.priority = settings.priority;
    return job;
  }

  /** Enqueues the job; resolves the job instance (jobId, providerJobId, successfullyEnqueued). */
  static async performLater<J extends Job>(this: JobClass<J>, ...args: PerformArgs<J>): Promise<J> {
    const job = (this as unknown as typeof Job & JobClass<J>).build<J>(...args);
    await job.enqueue();
    return job;
  }

  /** Runs perform in this process, with callbacks and retryOn/discardOn; resolves its result. */
  static performNow<J extends Job>(
    this: JobClass<J>,
    ...args: PerformArgs<J>
  ): Promise<PerformResult<J> | undefined> {
    const job = (this as unknown as typeof Job & JobClass<J>).build<J>(...args);
    return performNow(job) as Promise<PerformResult<J> | undefined>;
  }

  /**
   * The class bound to a database transaction: performLater stages the job in the outbox inside
   * it (one INSERT; none of its own inside a transaction scope on the same tx, outbox/scope.ts),
   * and the relay in bin/worker adds it to the queue once the transaction committed. Same arguments, options (.set), uniqueness and callbacks as a direct enqueue.
   */
  static inTransaction<J extends Job>(this: JobClass<J>, transaction: unknown): ConfiguredJob<J> {
    return new ConfiguredJob(this, {}).inTransaction(transaction);
  }

  /** The class with options for one enqueue: Job.set({ wait: 60, queue: 'low' }).performLater(...). */
  static set<J extends Job>(this: JobClass<J>, options: JobOptions): ConfiguredJob<J> {
    return new ConfiguredJob(this, options);
  }

  /**
   * Enqueues many built jobs in one round trip per queue; enqueue callbacks do not run. With
   * { transaction }: staged in the outbox in one INSERT inside that transaction.
   */
  static async performAllLater(jobs: readonly Job[], scope: EnqueueScope = {}): Promise<number> {
    checkBuiltJobs(jobs, 'performAllLater');
    return await enqueueAll(jobs, scope);
  }
}

const AFTER_OPTIONS = ['ifDependencyFails', 'transaction'];

/**
 * performAllLater and enqueueAfter take built jobs (XJob.build(...)): anything else, such as the
 * class itself or an undefined entry, is a JobOptionsError naming the entry, not a TypeError.
 */
function checkBuiltJobs(jobs: unknown, method: string): asserts jobs is readonly Job[] {
  if (!Array.isArray(jobs))
    throw new JobOptionsError(`${method} takes an array of built jobs, e.g. [ReportJob.build(day)]`);
  jobs.forEach((job: unknown, index) => {
    if (job instanceof Job) return;
    const what =
      typeof job === 'function' && job.prototype instanceof Job
        ? `the class ${job.name} (build one: ${job.name}.build(...))`
        : job === null
          ? 'null'
          : typeof job;
    throw new JobOptionsError(`${method} takes built jobs: entry ${index + 1} is ${what}`);
  });
}
