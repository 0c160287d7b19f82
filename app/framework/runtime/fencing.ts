/**
 * Fencing: a job whose lock this worker no longer holds is told to stop. BullMQ delivers a job
 * at least once; when the lock expires under a running job (Redis away longer than the lock, a
 * blocked event loop, the key deleted), the stall check hands the job to another worker while the
 * first run goes on. BullMQ then refuses the first run's completion, but its side effects happen
 * twice. Here the first run's signal aborts with JobLockLostError as soon as the worker learns.
 *
 * Steps: on a report that a job's lock is gone (BullMQ's 'lockRenewalFailed' for this worker's
 * jobs, or 'stalled' from this worker's stall check), look up the run; read the lock key once
 * (a report can be stale: the run that holds the lock now may be this process's own next run,
 * under a new token), and if the lock is not this run's token, abort the run. Execution logs it
 * once and its outcome is reported to nobody (the processor's 'lock-lost').
 *
 * Example: const fence = lockFence(redis, (queue) => queuePrefix(prefix, queue, layout), (id) => running.get(id)); fence.lost('default', ids, 'lock renewal failed')
 */
import type { RedisConnection } from '../redis-connection';
import { JobLockLostError } from '../errors';
import type { Job } from '../job';

/** One running execution as the worker tracks it: the job and the lock token BullMQ gave it. */
export interface LockedRun {
  readonly job: Job;
  readonly token: string | undefined;
}

export interface LockFence {
  /** The worker says these jobs of `queue` lost their lock (`why`: how it learned). */
  lost(queue: string, jobIds: readonly string[], why: string): Promise<void>;
}

/** BullMQ's lock key of a job: `<prefix>:<queue>:<id>:lock`. */
export function lockKey(prefix: string, queue: string, jobId: string): string {
  return `${prefix}:${queue}:${jobId}:lock`;
}

export function lockFence(
  redis: RedisConnection,
  /** The key prefix of a queue (key-layout.ts queuePrefix). */
  prefixOf: (queue: string) => string,
  runOf: (jobId: string) => LockedRun | undefined,
): LockFence {
  const check = async (queue: string, jobId: string, why: string): Promise<void> => {
    const run = runOf(jobId);
    if (!run || run.job.abortReason || run.job.queueName !== queue) return;
    let holder: string | null | undefined;
    try {
      holder = await redis.get(lockKey(prefixOf(queue), queue, jobId));
    } catch {
      holder = undefined; // cannot tell: BullMQ's word stands
    }
    if (runOf(jobId) !== run) return; // finished meanwhile
    if (holder !== undefined && holder !== null && holder === run.token) return; // still ours
    run.job.abort(
      new JobLockLostError(
        `lost the lock on job ${jobId} (${why}): another worker may run it, stopping here`,
      ),
    );
  };
  return {
    async lost(queue, jobIds, why) {
      await Promise.all(jobIds.map((id) => check(queue, id, why)));
    },
  };
}
