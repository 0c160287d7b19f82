/**
 * What a BullMQ worker does around a job with a concurrency key (limit.ts, semaphore.ts).
 *
 * Steps of enter(): take a slot of the job's key -> run. No slot: 'discard' -> the job completes
 * as discarded; 'block' -> the job is moved to the delayed set until `duration` from now (a dead
 * holder's slot has expired by then), parked on the key (promoted at once if a slot freed
 * meanwhile) and the processor throws BullMQ's DelayedError: the job waits without a worker,
 * without polling and without spending an attempt. leave(): free the slot and promote the next
 * parked job of the key, skipping ids that are no longer delayed (woken by their timer, removed).
 *
 * Example: if (await gate.enter(bullJob, token, limit, key)) try { await run() } finally { await gate.leave(bullJob, key) }
 */
import { DelayedError, Job as BullJob, type MinimalQueue } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisConnection } from '../redis-connection';
import type { ConcurrencyLimit } from './limit';
import { ConcurrencySemaphore, semaphoreKeys } from './semaphore';

/** Parked ids tried per release before giving up (stale ids of jobs that woke by themselves). */
const PROMOTE_TRIES = 10;

export class ConcurrencyGate {
  private redis: RedisConnection | undefined;
  private semaphoreValue: ConcurrencySemaphore | undefined;

  constructor(
    /** Opens the gate's connection, on first use (a worker whose jobs declare no limit opens none). */
    private readonly connect: () => RedisConnection,
    /** The key prefix of a queue's keys (its concurrency keys share the queue's hash slot). */
    private readonly prefixOf: (queue: string) => string,
    /** The BullMQ queue (a Worker is one) a parked job is promoted through. */
    private readonly queueFor: (name: string) => MinimalQueue | undefined,
  ) {}

  /** A gate on its own connection, a duplicate of `connection` (closed by close()). */
  static over(
    connection: RedisConnection | RedisOptions,
    prefixOf: (queue: string) => string,
    queueFor: (name: string) => MinimalQueue | undefined,
  ): ConcurrencyGate {
    // Its failures reach the job that called (a rejected command); the worker's own connection reports outages.
    const connect = () =>
      (connection instanceof Redis || connection instanceof Cluster
        ? connection.duplicate()
        : new Redis(connection)
      ).on('error', () => undefined);
    return new ConcurrencyGate(connect, prefixOf, queueFor);
  }

  private get semaphore(): ConcurrencySemaphore {
    return (this.semaphoreValue ??= new ConcurrencySemaphore((this.redis = this.connect())));
  }

  /** True: the job holds a slot, run it. False: discarded. Parked: throws DelayedError. */
  async enter(
    bullJob: BullJob,
    token: string | undefined,
    limit: ConcurrencyLimit,
    key: string,
  ): Promise<boolean> {
    const keys = semaphoreKeys(this.prefixOf(bullJob.queueName), bullJob.queueName, key);
    const id = String(bullJob.id);
    const durationMs = Math.round(limit.duration * 1000);
    if (await this.semaphore.acquire(keys, id, limit.to, durationMs)) return true;
    if (limit.onConflict === 'discard') return false;
    await bullJob.moveToDelayed(Date.now() + durationMs, token);
    if (await this.semaphore.park(keys, id, limit.to, durationMs))
      await bullJob.promote().catch(() => undefined);
    throw new DelayedError();
  }

  /** Frees the job's slot and wakes the key's next parked job. */
  async leave(bullJob: BullJob, key: string): Promise<void> {
    const keys = semaphoreKeys(this.prefixOf(bullJob.queueName), bullJob.queueName, key);
    const queue = this.queueFor(bullJob.queueName);
    let holder = String(bullJob.id);
    for (let tries = 0; tries < PROMOTE_TRIES; tries += 1) {
      const next = await this.semaphore.release(keys, holder);
      holder = '';
      if (next === null || !queue) return;
      const parked = await BullJob.fromId(queue, next);
      if (!parked || !(await parked.isDelayed())) continue;
      try {
        await parked.promote();
        return;
      } catch {
        // woke by its timer, or was removed, between the check and the promotion: try the next
      }
    }
  }

  async close(): Promise<void> {
    await this.redis?.quit();
  }
}
