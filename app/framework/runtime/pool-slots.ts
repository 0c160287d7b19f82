/**
 * The N slots of a pool serving several queues: a queue's worker takes a slot before it takes a
 * job from Redis, so the pool never holds (active and locked) more jobs than it runs.
 *
 * Choice among the pool's queues: fair, first come first served. A queue whose worker wants a job
 * while every slot is taken waits in line; a freed slot goes to the queue that has waited
 * longest. A finishing job hands its slot straight to its queue's next job (BullMQ fetches it in
 * the same Redis call) only while no other queue of the pool waits in line; otherwise the slot
 * goes back and its queue lines up again behind the others. No queue starves another, as with
 * Sidekiq's random (unweighted) ordering rather than its strict ordering.
 *
 * Steps: take() resolves true once a slot is this caller's (false once the pool is closing);
 * release() gives a slot back (to the first in line, if any); contended() says whether anyone
 * waits; close() answers every waiter false and every later take() too.
 *
 * Example: const slots = new PoolSlots(8); if (await slots.take()) { try { ... } finally { slots.release() } }
 */

export class PoolSlots {
  private free: number;
  private closed = false;
  private readonly line: ((taken: boolean) => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`pool slots: size must be a whole number ≥ 1, got ${size}`);
    this.free = size;
  }

  /** Slots held now (taken and not released). */
  get held(): number {
    return this.size - this.free;
  }

  /** Whether someone waits in line for a slot. */
  contended(): boolean {
    return this.line.length > 0;
  }

  take(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.line.push(resolve));
  }

  release(): void {
    const next = this.line.shift();
    if (next) next(true);
    else this.free += 1;
  }

  /** The pool is stopping: nobody gets a slot any more (held slots are still released as jobs end). */
  close(): void {
    this.closed = true;
    for (const waiter of this.line.splice(0)) waiter(false);
  }
}
