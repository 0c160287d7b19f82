/**
 * A job instance's stored state: its id, queue, arguments, counts and enqueue results, and the
 * mapping between them and the payload a queue stores (job-payload.ts). The Job class extends it
 * (job-runtime.ts in between); nothing else does.
 *
 * Steps: serialize() writes the payload (arguments serialized once, the concurrency key computed
 * before the job is first stored); loadPayload() restores it, arguments left serialized until
 * perform.
 *
 * Example:
 *   const payload = job.serialize();                      // { jobClass, jobId, queueName, arguments, ... }
 *   const copy = new ResizeJob().loadPayload(payload);    // same id, queue and counts
 */
import { serializeArguments } from './arguments';
import { settingsOf } from './class-settings';
import { concurrencyKeyOf } from './concurrency/limit';
import { JobDeclarations } from './job-declarations';
import { newJobId } from './job-id';
import type { JobPayload } from './job-payload';
import type { AnyJobClass } from './job-types';
import type { ContinuationState } from './continuation';
import { jobNameOf } from './registry';
import type { Json } from './serializers/serializer';

export abstract class JobPayloadState extends JobDeclarations {
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
}
