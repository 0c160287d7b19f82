/**
 * Batches (Sidekiq Pro batches, GoodJob batches): a group of jobs with callbacks that run once,
 * as jobs, when the group is done.
 *
 * - onSuccess: every job of the batch succeeded;
 * - onComplete: every job finished (succeeded, or failed or was discarded for good);
 * - onDiscard: a job of the batch was discarded (at the first discard, once per batch).
 *
 * Steps of add(jobs): check the jobs; mark each with the batch's id (it travels in the payload);
 * register them as pending in Redis (the first add also stores the description and the callbacks'
 * payloads), then enqueue them in one round trip per queue. Registering first means a fast job
 * can never find its batch with nothing pending. A job's final outcome is counted by the worker
 * (outcome.ts); a retry is not final and counts nothing.
 *
 * Jobs added from outside should go in one add() call: once every job added so far finished,
 * the batch is finished and a later add() fails (BatchFinishedError). A job of the batch adds
 * more through `this.batch?.add(...)`: it is itself pending while it runs, so the batch cannot
 * finish under it.
 *
 * Example:
 *   const batch = Batch.create({ description: 'daily', onSuccess: ReportJob.build(day) });
 *   await batch.add(days.map((d) => ExportJob.build(d)));
 *   await Batch.status(batch.id) // { pending: 3, succeeded: 0, ... }
 */
import { enqueueAll } from '../enqueuing';
import { BacklotError } from '../errors';
import type { AnyJobClass, Job } from '../job';
import { newJobId } from '../job-id';
import { checkEnqueuedClass } from '../registry';
import { queueAdapter } from '../settings';
import {
  BATCH_CALLBACKS,
  type BatchCallbackName,
  type BatchSettings,
  type BatchStore,
  type StoredBatch,
} from './store';

export class BatchError extends BacklotError {
  override name = 'BatchError';
}

/** add() on a batch whose jobs all finished already. */
export class BatchFinishedError extends BatchError {
  override name = 'BatchFinishedError';
}

export class NoSuchBatchError extends BatchError {
  override name = 'NoSuchBatchError';
}

export interface BatchOptions {
  /** Shown by `bin/jobs status` and the dashboard. */
  description?: string;
  /** A built job (ReportJob.build(day)), enqueued once every job of the batch succeeded. */
  onSuccess?: Job;
  /** A built job, enqueued once every job of the batch finished, whatever the outcome. */
  onComplete?: Job;
  /** A built job, enqueued once, when the first job of the batch is discarded. */
  onDiscard?: Job;
}

export type BatchStatus = Omit<StoredBatch, 'settings'>;

const OPTION_NAMES = new Set(['description', ...BATCH_CALLBACKS]);
const BATCH_ID = /^batch-[0-9a-f]{24}$/;

export function isBatchId(value: string): boolean {
  return BATCH_ID.test(value);
}

function isJob(value: unknown): value is Job {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Job>).serialize === 'function' &&
    typeof (value as Partial<Job>).perform === 'function'
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return `the class ${(value as { name?: string }).name ?? '?'}`;
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function checkOptions(options: BatchOptions): BatchSettings {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new BatchError(`Batch.create takes an options object (got ${describe(options)})`);
  for (const key of Object.keys(options))
    if (!OPTION_NAMES.has(key))
      throw new BatchError(`unknown batch option ${key} (known: ${[...OPTION_NAMES].join(', ')})`);
  if (options.description !== undefined && typeof options.description !== 'string')
    throw new BatchError(`batch option description must be a string (got ${describe(options.description)})`);
  const settings: BatchSettings = { callbacks: {} };
  if (options.description !== undefined) settings.description = options.description;
  for (const name of BATCH_CALLBACKS) {
    const callback: unknown = options[name];
    if (callback === undefined) continue;
    if (!isJob(callback))
      throw new BatchError(
        `batch option ${name} must be a built job, e.g. ReportJob.build(day) (got ${describe(callback)})`,
      );
    // The finishing worker looks the class up by name: known now, or the app's list says no.
    checkEnqueuedClass(callback.constructor as AnyJobClass);
    settings.callbacks[name] = callback.serialize();
  }
  return settings;
}

/** The adapter's batch store; adapters without one (async, inline, test) cannot run batches. */
export function batchStore(): BatchStore {
  const adapter = queueAdapter();
  const store = adapter.batchStore?.();
  if (!store)
    throw new BatchError(`batches need the bullmq adapter (the ${adapter.name} adapter keeps no batches)`);
  return store;
}

/** The deterministic job id of a batch's callback: enqueued twice, it is still one job. */
export function callbackJobId(batchId: string, name: BatchCallbackName): string {
  return `${batchId}-${name}`;
}

export class Batch {
  private constructor(
    readonly id: string,
    private readonly settings: BatchSettings | undefined,
  ) {}

  /** A new batch; nothing is stored until its first add(). */
  static create(options: BatchOptions = {}): Batch {
    return new Batch(`batch-${newJobId()}`, checkOptions(options));
  }

  /** A handle on an existing batch (what `this.batch` of a batch's job is): add() works, options do not change. */
  static of(id: string): Batch {
    if (typeof id !== 'string' || !isBatchId(id))
      throw new BatchError(
        `not a batch id: ${JSON.stringify(id)} (batch ids look like batch-<24 hex digits>)`,
      );
    return new Batch(id, undefined);
  }

  /** The batch's progress, or NoSuchBatchError. */
  static async status(id: string): Promise<BatchStatus> {
    const stored = await batchStore().read(Batch.of(id).id);
    if (!stored) throw new NoSuchBatchError(`no batch ${id} (it never had jobs, or it expired)`);
    const { settings: _settings, ...status } = stored;
    return status;
  }

  /** Adds jobs to the batch and enqueues them; resolves how many were added. */
  async add(jobs: readonly Job[]): Promise<number> {
    if (!Array.isArray(jobs) || jobs.length === 0)
      throw new BatchError('batch.add takes a non-empty array of built jobs (ExportJob.build(...))');
    jobs.forEach((job, index) => {
      if (!isJob(job))
        throw new BatchError(`batch.add: job ${index + 1} is not a built job (got ${describe(job)})`);
      if (job.batchId !== undefined && job.batchId !== this.id)
        throw new BatchError(
          `batch.add: job ${index + 1} (${job.jobClassName}) belongs to ${job.batchId} already`,
        );
      if (job.successfullyEnqueued)
        throw new BatchError(`batch.add: job ${index + 1} (${job.jobClassName}) was enqueued already`);
    });
    const store = batchStore();
    const ids = jobs.map((job) => job.jobId);
    // A handle from Batch.of stores no settings: the batch it names must exist already.
    const added = await store.register(this.id, this.settings, ids);
    if (added === -2) throw new NoSuchBatchError(`no batch ${this.id} (it never had jobs, or it expired)`);
    if (added < 0)
      throw new BatchFinishedError(
        `batch ${this.id} finished already: add its jobs in one add() call, or from inside one of its jobs`,
      );
    for (const job of jobs) job.batchId = this.id;
    try {
      // Directly, even inside a transaction scope: the batch's Redis state above is not transactional.
      await enqueueAll(jobs, { ambient: false });
    } catch (error) {
      for (const job of jobs) job.batchId = undefined;
      await store.forget(this.id, ids);
      throw error;
    }
    return added;
  }
}
