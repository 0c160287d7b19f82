/**
 * The base job class (Active Job's Base): subclasses implement perform(...args); the class side
 * offers performLater, performNow, set, build, performAllLater and the declarations
 * (job-declarations.ts); inside perform, this.logger, this.signal and step(name, fn) (resumable
 * work, continuation.ts).
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
import { serializeArguments } from './arguments';
import { Batch } from './batches/batch';
import { settingsOf } from './class-settings';
import { ConfiguredJob } from './configured-job';
import { concurrencyKeyOf } from './concurrency/limit';
import { runStep, type ContinuationState, type Step } from './continuation';
import {
  enqueueAll,
  enqueueFlow,
  enqueueJob,
  type DependencyFailurePolicy,
  type EnqueueScope,
} from './enqueuing';
import { performNow } from './execution';
import type { JobOptions } from './job-options';
import { JobDeclarations } from './job-declarations';
import { emitJobEvent } from './instrumentation';
import { newJobId } from './job-id';
import { jobNameOf } from './registry';
import { backlotSettings } from './settings';
import type { Logger } from 'pino';
import type { Json } from './serializers/serializer';
import type { ExecutionContext, JobPayload } from './job-payload';
import type { ExecutionGuard } from './timeouts';

/** The stored payload and the adapter hooks live in job-payload.ts. */
export type { ExecutionContext, JobPayload } from './job-payload';

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

export abstract class Job extends JobDeclarations {
  /** The name stored in the queue and looked up by workers. @defaultValue the class name */
  static jobName?: string;
  /** Seconds perform may run before it is aborted and fails "timed out after ...". @defaultValue 86400 (24 h) */
  static timeout = 86_400;
  /** Seconds without reportProgress() or touch() before perform is aborted ("no progress for ..."). @defaultValue 600 */
  static touchTimeout = 600;

  // jobId and enqueuedAt: lazily filled (a worker overwrites the id and rarely reads the date).
  private jobIdValue: string | undefined;
  private enqueuedAtValue: Date | string | undefined;
  queueName = 'default';
  priority: number | undefined;
  arguments: unknown[] = [];
  /** Serialized arguments, filled at enqueue or when loaded from a payload. */
  serializedArguments: Json[] | undefined;
  /** How many times perform has started, this run included. */
  executions = 0;
  exceptionExecutions: Record<string, number> = {};
  scheduledAt: Date | undefined;
  /** The adapter's id for the job (BullMQ job id). */
  providerJobId: string | undefined;
  successfullyEnqueued = false;
  private abortController: AbortController | undefined;
  private abortReasonValue: Error | undefined;
  /** The running execution's guard (set by executeJob). */
  guard: ExecutionGuard | undefined;
  /** Set by the adapter that runs the job. */
  context: ExecutionContext | undefined;
  /** When a unique job was not enqueued because an equal one is queued: that job's id. */
  duplicateOf: string | undefined;
  /** Resumable steps done so far and the current cursor (see step()). */
  continuation: ContinuationState | undefined;
  /** limitsConcurrency(): the key of this job's arguments, computed when first serialized. */
  concurrencyKey: string | undefined;
  /** The batch this job belongs to (Batch#add sets it), stored with the payload. */
  batchId: string | undefined;
  /** The job waiting for this one (its dependent: enqueueAfter's job), set by the adapter that runs it. */
  parentJobId: string | undefined;
  private loadedFromPayload = false;
  private loggerValue: Logger | undefined;

  abstract perform(...args: any[]): unknown;

  /** The job's id (24 random hex characters unless set, see job-id.ts), the same in every adapter. */
  get jobId(): string {
    return (this.jobIdValue ??= newJobId());
  }

  set jobId(value: string) {
    this.jobIdValue = value;
  }

  /** When the job was (last) enqueued. */
  get enqueuedAt(): Date | undefined {
    const value = this.enqueuedAtValue;
    if (typeof value !== 'string') return value;
    const date = new Date(value);
    this.enqueuedAtValue = date;
    return date;
  }

  set enqueuedAt(value: Date | undefined) {
    this.enqueuedAtValue = value;
  }

  get jobClassName(): string {
    return jobNameOf(this.constructor as AnyJobClass);
  }

  /** A child of the framework's logger bound to this job's id and class (Sidekiq's Job#logger). */
  get logger(): Logger {
    return (this.loggerValue ??= backlotSettings().logger.child({
      jobId: this.jobId,
      jobClass: this.jobClassName,
    }));
  }

  /** Reports progress (a percentage or an object) to the queue, where dashboards see it. */
  async reportProgress(value: number | object): Promise<void> {
    this.touch();
    emitJobEvent({ name: 'progress', job: this, progress: value });
    await this.context?.progress(value);
  }

  /** The batch this job belongs to (add more jobs with this.batch?.add([...])); undefined outside one. */
  get batch(): Batch | undefined {
    return this.batchId === undefined ? undefined : Batch.of(this.batchId);
  }

  /** Return values of the jobs this job waited for (see enqueueAfter), keyed by "queue:id". */
  async dependencyResults(): Promise<Record<string, unknown>> {
    return (await this.context?.dependencyResults?.()) ?? {};
  }

  /** Enqueues this job to run after every dependency (BullMQ flows); one failed for good: 'fail' or 'run' it. */
  enqueueAfter(
    dependencies: readonly Job[],
    options: { ifDependencyFails?: DependencyFailurePolicy } & EnqueueScope = {},
  ): Promise<void> {
    return enqueueFlow(this, dependencies, options.ifDependencyFails ?? 'fail', options);
  }

  /** A resumable step: skipped once completed, else run from the last saved cursor (continuation.ts). */
  step<C extends Json = Json>(name: string, work: (step: Step<C>) => void | Promise<void>): Promise<void> {
    return runStep(this, name, work);
  }

  /** Stores the steps' state through the adapter (in memory without one). */
  async saveContinuation(state: ContinuationState): Promise<void> {
    this.continuation = state;
    await this.context?.saveContinuation?.(state);
  }

  /** Tells the framework the job is alive without reporting progress (see touchTimeout). */
  touch(): void {
    this.guard?.touch();
  }

  /** Aborted on cancel, timeout or shutdown (pass it to fetch, streams, timers); made on first use. */
  get signal(): AbortSignal {
    if (!this.abortController) {
      this.abortController = new AbortController();
      if (this.abortReasonValue) this.abortController.abort(this.abortReasonValue);
    }
    return this.abortController.signal;
  }

  /** Why the job was aborted, if it was. */
  get abortReason(): Error | undefined {
    return this.abortReasonValue;
  }

  /** Aborts the running job: its signal fires and perform is abandoned with this reason. */
  abort(reason: Error): void {
    if (this.abortReasonValue) return;
    this.abortReasonValue = reason;
    this.abortController?.abort(reason);
    this.guard?.reject(reason);
  }

  serialize(): JobPayload {
    this.serializedArguments ??= serializeArguments(this.arguments);
    const payload: JobPayload = {
      jobClass: this.jobClassName,
      jobId: this.jobId,
      queueName: this.queueName,
      arguments: this.serializedArguments,
      executions: this.executions,
      exceptionExecutions: this.exceptionExecutions,
      enqueuedAt: (this.enqueuedAt ?? new Date()).toISOString(),
    };
    if (this.priority !== undefined) payload.priority = this.priority;
    if (this.scheduledAt) payload.scheduledAt = this.scheduledAt.toISOString();
    if (this.continuation) payload.continuation = this.continuation;
    // The key is a function of the live arguments: computed once, before the job is first stored.
    if (this.concurrencyKey === undefined && !this.loadedFromPayload) {
      const limit = settingsOf(this.constructor).concurrency;
      if (limit) this.concurrencyKey = concurrencyKeyOf(limit, this.arguments, this.jobClassName);
    }
    if (this.concurrencyKey !== undefined) payload.concurrencyKey = this.concurrencyKey;
    if (this.batchId !== undefined) payload.batchId = this.batchId;
    return payload;
  }

  /** Restores the instance's state from a stored payload; arguments stay serialized until perform. */
  loadPayload(payload: JobPayload): this {
    this.jobId = payload.jobId;
    this.queueName = payload.queueName;
    this.priority = payload.priority;
    this.serializedArguments = payload.arguments;
    this.executions = payload.executions ?? 0;
    // Shared with the payload until a retry handler counts (execution.ts copies before writing).
    this.exceptionExecutions = payload.exceptionExecutions ?? {};
    this.enqueuedAtValue = payload.enqueuedAt || undefined;
    this.scheduledAt = payload.scheduledAt ? new Date(payload.scheduledAt) : undefined;
    this.continuation = payload.continuation;
    this.concurrencyKey = payload.concurrencyKey;
    this.batchId = typeof payload.batchId === 'string' ? payload.batchId : undefined;
    this.loadedFromPayload = true;
    return this;
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
  static performAllLater(jobs: readonly Job[], scope: EnqueueScope = {}): Promise<number> {
    return enqueueAll(jobs, scope);
  }
}
