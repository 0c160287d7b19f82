/**
 * The queue adapter contract (Active Job's: enqueue, enqueue_at, optional enqueue_all).
 *
 * An adapter takes a job instance, stores job.serialize() wherever it queues work and may set
 * job.providerJobId. Adapters: bullmq (development, production), async (in process), inline
 * (runs at once), test (records). stagedForm/enqueueStaged: see outbox/ (bullmq only).
 */
import type { BatchStore } from '../batches/store';
import type { Job } from '../job';
import type { StagedJob } from '../outbox/staged-job';

export interface QueueAdapter {
  readonly name: string;
  enqueue(job: Job): Promise<void>;
  /** Schedules the job for a time in milliseconds since the epoch. */
  enqueueAt(job: Job, timestamp: number): Promise<void>;
  /** Enqueues many jobs in as few round trips as possible; resolves the number enqueued. */
  enqueueAll?(jobs: readonly Job[]): Promise<number>;
  /** Enqueues `job` to run after `dependencies` finish; see Job#enqueueAfter. */
  enqueueFlow?(job: Job, dependencies: readonly Job[], ifDependencyFails: 'fail' | 'run'): Promise<void>;
  /**
   * Transactional enqueue (outbox/): the job as the outbox stores it. Adapters without it (async,
   * inline, test: in-process, nothing to lose across a crash) enqueue at once inside the transaction.
   */
  stagedForm?(job: Job): StagedJob;
  /** The same for a job with dependencies (enqueueAfter in a transaction). */
  stagedFlowForm?(job: Job, dependencies: readonly Job[], ifDependencyFails: 'fail' | 'run'): StagedJob;
  /** The key prefix of its queues, where it has one (bullmq): the outbox partition it stages into and relays. */
  readonly prefix?: string;
  /** Adds jobs the outbox relay took from committed rows; adding one twice stores it once. */
  enqueueStaged?(jobs: readonly StagedJob[]): Promise<void>;
  /** Batches' counts and callbacks (batches/store.ts): bullmq only; without it Batch.add fails, saying so. */
  batchStore?(): BatchStore;
  /** Releases connections and timers. */
  close?(): Promise<void>;
}
