/**
 * PruneJobsJob (hourly, config/schedule.ts): removes finished job records (completed and failed,
 * canceled included) older than 3 days from Redis, for every queue in config/queues.ts, in
 * batches, and logs the counts.
 *
 * Why: BullMQ drops finished jobs by age only when another job finishes in the same queue, so a
 * queue that goes quiet keeps its old records; this job bounds them whatever the traffic. It
 * shortens the adapter's 30-day keep of failed jobs to 3 days. Steps per queue and state: Queue.clean
 * (BullMQ) removes up to `batchSize` jobs that finished before the cutoff, again until a batch
 * comes back short. Active, waiting and delayed jobs are never touched.
 *
 * Batches, not one call per job: Queue.clean is this job's deleteMany. Jobs live in Redis, not
 * PostgreSQL, so app/db/delete-many.ts does not apply; a clean call with a limit of up to 10,000
 * (BullMQ 6 splits larger ones) is ONE Redis script call that removes up to `batchSize` jobs with
 * their keys, server-side. 2,500 old completed jobs at batch 1,000 cost 3 calls for that queue and
 * state (1,000, 1,000, 500), and 1 for each other queue and state.
 *
 * Example: await PruneJobsJob.performLater();           // older than 3 days
 *          await PruneJobsJob.performLater(3600, 500);  // older than an hour, 500 per batch
 */
import { backlotSettings, BullmqAdapter, queueAdapter } from '../app/framework/index';
import { QUEUE_NAMES } from '../config/queues';
import { ApplicationJob } from './application-job';

/** @defaultValue 3 days, in seconds */
export const PRUNE_JOBS_OLDER_THAN_SECONDS = 3 * 24 * 60 * 60;
/** @defaultValue 1000 jobs per Queue.clean call */
export const PRUNE_JOBS_BATCH_SIZE = 1000;

const STATES = ['completed', 'failed'] as const;

export interface PruneJobsResult {
  olderThanSeconds: number;
  /** Removed jobs per queue and state. */
  removed: Record<string, Record<(typeof STATES)[number], number>>;
  total: number;
}

export class PruneJobsJob extends ApplicationJob {
  async perform(
    olderThanSeconds = PRUNE_JOBS_OLDER_THAN_SECONDS,
    batchSize = PRUNE_JOBS_BATCH_SIZE,
  ): Promise<PruneJobsResult> {
    const log = backlotSettings().logger;
    const result: PruneJobsResult = { olderThanSeconds, removed: {}, total: 0 };
    const adapter = queueAdapter();
    if (!(adapter instanceof BullmqAdapter)) {
      log.info(
        { jobId: this.jobId, adapter: adapter.name },
        `PruneJobsJob: the ${adapter.name} adapter keeps no job records; nothing to prune`,
      );
      return result;
    }
    for (const name of QUEUE_NAMES) {
      const counts = { completed: 0, failed: 0 };
      for (const state of STATES) {
        for (;;) {
          // The cutoff moves with each batch; a job is removed only once it is older than olderThanSeconds.
          const removed = await adapter.queue(name).clean(olderThanSeconds * 1000, batchSize, state);
          counts[state] += removed.length;
          this.touch();
          if (removed.length < batchSize || this.signal.aborted) break;
        }
      }
      result.removed[name] = counts;
      result.total += counts.completed + counts.failed;
    }
    const summary = Object.entries(result.removed)
      .map(([queue, c]) => `${queue} ${c.completed} completed, ${c.failed} failed`)
      .join('; ');
    log.info(
      { jobId: this.jobId, event: 'prune_jobs', ...result },
      `PruneJobsJob: removed ${result.total} finished job(s) older than ${olderThanSeconds}s (${summary})`,
    );
    return result;
  }
}
