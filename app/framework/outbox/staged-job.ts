/**
 * A job as the outbox stores it: what an adapter needs to add it later without the job class or
 * its live arguments (the relay runs in another process, maybe minutes later). The adapter that
 * supports transactional enqueue builds it at performLater (QueueAdapter.stagedForm) and adds it
 * when relayed (QueueAdapter.enqueueStaged); the outbox treats data and opts as opaque JSON.
 *
 * Example (BullMQ): { jobId: 'a1..', kind: 'job', prefix: '{backlot}', queue: 'default',
 *                     name: 'ResizeJob', data: <JobPayload>, opts: <JobsOptions without delay>, runAt: null }
 */
export type StagedKind = 'job' | 'flow';

export interface StagedJob {
  /** Backlot's job id; the adapter's id for it too, so adding it twice stores one job. */
  jobId: string;
  /** 'job': one job; 'flow': a job with its dependencies (enqueueAfter), as one tree. */
  kind: StagedKind;
  /**
   * The key prefix of the queues it goes to (QUEUE_PREFIX): the outbox is partitioned by it, and
   * only a relay of that prefix moves the job.
   */
  prefix: string;
  queue: string;
  /** The stored job name (the class's jobName). */
  name: string;
  data: unknown;
  opts: unknown;
  /** Not before this time (ms since the epoch), or null to run at once. */
  runAt: number | null;
}
