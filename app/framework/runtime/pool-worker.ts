/**
 * A BullMQ Worker for one queue of a pool serving several queues: it takes a job from Redis only
 * when it holds one of the pool's slots (pool-slots.ts), so the pool holds at most N jobs active
 * and locked, all of them running, instead of N per queue with the extra ones waiting in the
 * process (and counting against a queue's global concurrency, such as bulk_update's 1).
 *
 * Steps (bullmq 6.7's Worker has two ways to take a job, both covered):
 *   1. a fetch of its own goes through the protected moveToActive: take a slot first (waiting in
 *      line while the pool is full, holding nothing), then move a job to active; no job, or the
 *      worker closing meanwhile: the slot goes back;
 *   2. a finishing job fetches the next one in the same Redis call when processJob's fetch-next
 *      callback says so: it says so only when no other queue waits for a slot, and the slot then
 *      passes to the job processJob returns; nothing returned: the slot goes back. The DelayedError
 *      path (a parked concurrency-key job) fetches through moveToActive with the same token: that
 *      fetch reuses the finishing job's slot.
 * Everything else (lock renewal, the stall check, rate limits, close) is BullMQ's own Worker loop;
 * runWith() starts it (autorun: false, so the slots are set before the first fetch).
 *
 * Example: const w = new PoolWorker('bulk_update', processor, { ...opts, autorun: false }); w.runWith(slots)
 */
import type { Job as BullJob } from 'bullmq';
import { BacklotWorker } from '../adapters/bullmq/stored-job';
import type { PoolSlots } from './pool-slots';

export class PoolWorker extends BacklotWorker {
  private slots: PoolSlots | undefined;
  /** Tokens whose finishing job was allowed to fetch the next one with its slot. */
  private readonly handingOver = new Set<string>();

  /** Starts the worker's loop, taking jobs only with a slot of `slots`. */
  runWith(slots: PoolSlots): void {
    this.slots = slots;
    this.run().catch((error: unknown) =>
      this.emit('error', error instanceof Error ? error : new Error(String(error))),
    );
  }

  protected override async moveToActive(token: string, name?: string): Promise<BullJob> {
    const slots = this.slots;
    if (!slots || this.handingOver.has(token)) return super.moveToActive(token, name);
    if (!(await slots.take())) return undefined as unknown as BullJob;
    if (this.closing || this.isPaused()) {
      slots.release();
      return undefined as unknown as BullJob;
    }
    let job: BullJob | undefined;
    try {
      job = await super.moveToActive(token, name);
    } finally {
      if (!job) slots.release();
    }
    return job;
  }

  override async processJob(
    job: BullJob,
    token: string,
    fetchNext: () => boolean = () => true,
  ): Promise<void | BullJob> {
    const slots = this.slots;
    if (!slots) return super.processJob(job, token, fetchNext);
    let next: void | BullJob | undefined;
    try {
      next = await super.processJob(job, token, () => {
        const handOver = fetchNext() && !slots.contended();
        if (handOver) this.handingOver.add(token);
        else this.handingOver.delete(token);
        return handOver;
      });
    } finally {
      this.handingOver.delete(token);
      if (!next) slots.release();
    }
    return next;
  }
}
