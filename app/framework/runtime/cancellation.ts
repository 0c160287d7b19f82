/**
 * Cancelling jobs wherever they are (osbuild-composer's contract).
 *
 * Steps: a waiting, delayed or prioritized job is removed; an active one gets a message on the
 * Redis channel `<prefix>:cancel`, which every worker process subscribes to; the one running it
 * aborts perform's signal with JobCanceledError, and the job ends failed "canceled", not retried.
 * A finished job answers 'already-finished'; an unknown id 'not-found'.
 *
 * Example: await cancelJob(adapter, id) -> 'removed' | 'signalled' | 'already-finished' | 'not-found'
 */
import type { Queue } from 'bullmq';
import type { RedisConnection } from '../redis-connection';
import { publishJobDeleted } from '../events/framework-events';

export type CancelResult = 'removed' | 'signalled' | 'already-finished' | 'not-found';

export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`;
}

export async function cancelInQueues(
  queues: readonly Queue[],
  publisher: RedisConnection,
  prefix: string,
  jobId: string,
  reason = 'canceled',
): Promise<CancelResult> {
  for (const queue of queues) {
    const job = await queue.getJob(jobId);
    if (!job) continue;
    const state = await job.getState();
    switch (state) {
      case 'completed':
      case 'failed':
        return 'already-finished';
      case 'unknown':
        continue;
      case 'active':
        await publisher.publish(cancelChannel(prefix), JSON.stringify({ jobId, reason }));
        return 'signalled';
      default:
        await job.remove();
        publishJobDeleted(jobId, queue.name, job.name, reason);
        return 'removed';
    }
  }
  return 'not-found';
}

/** Subscribes a worker process to cancel messages; calls onCancel(jobId, reason). */
export async function listenForCancels(
  subscriber: RedisConnection,
  prefix: string,
  onCancel: (jobId: string, reason: string) => void,
): Promise<() => Promise<void>> {
  const channel = cancelChannel(prefix);
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    try {
      const { jobId, reason } = JSON.parse(message) as { jobId: string; reason?: string };
      onCancel(jobId, reason ?? 'canceled');
    } catch {
      // a malformed message is ignored: cancel is best effort per message
    }
  });
  await subscriber.subscribe(channel);
  return async () => {
    await subscriber.unsubscribe(channel).catch(() => undefined);
  };
}
