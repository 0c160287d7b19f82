/**
 * Where a queue's keys live: the key prefix BullMQ gets for each queue.
 *
 * - 'single': every queue under the one prefix (QUEUE_PREFIX, e.g. `{backlot}`): on a Redis
 *   Cluster the braces make it one hash tag, so every queue shares one slot (one shard) and any
 *   script may touch keys of several queues.
 * - 'per-queue': queue `default` under `{backlot:default}` (the prefix's braces dropped, the
 *   queue's name added, braces around both), so each queue hashes to its own slot and queues
 *   spread over the shards. Work that spans queues in one Redis script (a flow whose parent and
 *   children are in different queues) is refused at enqueue with CrossSlotError.
 *
 * Keys that are not a queue's (worker heartbeats, the cancel channel, the event stream, the cron
 * clock) stay under the plain prefix in both layouts.
 *
 * Example: queuePrefix('{backlot}', 'default', 'per-queue') // '{backlot:default}'
 */
import { BacklotError } from './errors';

export type KeyLayout = 'single' | 'per-queue';

export const KEY_LAYOUTS: readonly KeyLayout[] = ['single', 'per-queue'];

/** A piece of work would touch keys of several hash slots in one Redis script. */
export class CrossSlotError extends BacklotError {}

/** The prefix's own name, without hash-tag braces: '{backlot}' -> 'backlot'. */
export function prefixBase(prefix: string): string {
  return prefix.replace(/[{}]/g, '');
}

/** The BullMQ key prefix of `queue` under `layout`. */
export function queuePrefix(prefix: string, queue: string, layout: KeyLayout = 'single'): string {
  return layout === 'per-queue' ? `{${prefixBase(prefix)}:${queue}}` : prefix;
}

/**
 * Refuses a flow (a parent and its dependencies) that spans queues under the per-queue layout:
 * BullMQ adds a flow in one transaction, which a cluster runs only on keys of one slot.
 */
export function assertOneSlotFlow(layout: KeyLayout, queues: readonly string[], what: string): void {
  if (layout !== 'per-queue') return;
  const distinct = [...new Set(queues)];
  if (distinct.length <= 1) return;
  throw new CrossSlotError(
    `${what} spans queues ${distinct.join(', ')}: under REDIS_KEY_LAYOUT=per-queue each queue has its own ` +
      'hash slot and a flow is added in one transaction; put the job and its dependencies in one queue, ' +
      'or use REDIS_KEY_LAYOUT=single (every queue on one slot)',
  );
}
