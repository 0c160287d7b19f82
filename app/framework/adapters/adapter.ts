/**
 * The queue adapter contract (Active Job's: enqueue, enqueue_at, optional enqueue_all).
 *
 * An adapter takes a job instance, stores job.serialize() wherever it queues work and may set
 * job.providerJobId. Adapters: bullmq (development, production), async (in process), inline
 * (runs at once), test (records).
 */
import type { Job } from '../job';

export interface QueueAdapter {
  readonly name: string;
  enqueue(job: Job): Promise<void>;
  /** Schedules the job for a time in milliseconds since the epoch. */
  enqueueAt(job: Job, timestamp: number): Promise<void>;
  /** Enqueues many jobs in as few round trips as possible; resolves the number enqueued. */
  enqueueAll?(jobs: readonly Job[]): Promise<number>;
  /** Enqueues `job` to run after `dependencies` finish; see Job#enqueueAfter. */
  enqueueFlow?(job: Job, dependencies: readonly Job[], ifDependencyFails: 'fail' | 'run'): Promise<void>;
  /** Releases connections and timers. */
  close?(): Promise<void>;
}
