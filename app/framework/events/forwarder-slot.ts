/**
 * One registered forwarder inside the event broker: its bounded queue, its drain loop and its
 * counters, so a slow or hanging forwarder never blocks a producer or another forwarder.
 *
 * Steps of offer(event, origin) (synchronous, no I/O; the broker calls it from publish):
 *   skip the event when it came from another process and the forwarder takes only this process's
 *   events (scope 'local': the Redis publisher, MQTT, logs), or when its accepts() says no; push it
 *   on the queue; when the queue is full, drop the event, count it and log an error (at most one
 *   line a second, with the count); else schedule a drain: after the current turn of the event
 *   loop, or, with lingerMs, once a full batch is queued or lingerMs after the first event waited.
 * Steps of the drain:
 *   take up to batchSize events, await deliver(batch, signal); a delivery that throws or runs past
 *   timeoutMs counts its events as failed, is logged (throttled like drops), and its signal aborts;
 *   repeat until the queue is empty (with lingerMs: until less than a full batch is left, which
 *   waits lingerMs again). One batch is in flight at a time. A delivery that throws
 *   DestinationUnavailableError (Redis away) keeps its batch: the slot holds it, waits for the
 *   forwarder's whenAvailable(), and delivers it again before anything newer, so events arrive in
 *   order after an outage; meanwhile the queue keeps filling, and what does not fit is dropped,
 *   counted, logged once when the first one goes and once, with the total, when delivery resumes.
 *   whenIdle() (the broker's flush) does not linger: it delivers what is queued at once.
 * Why linger: the Redis publisher sends one pipeline per delivery; a busy worker publishing two
 *   events per job, delivered every turn, paid a socket write and a Redis command per turn
 *   (npm run bench -- throughput --events 1).
 * close(): discard the queue, abort the delivery in flight, wait up to FORWARDER_CLOSE_MS for the
 * forwarder's close() (a late or failing close is logged, never thrown).
 *
 * Its log lines and counts are slot-reports.ts; one delivery and the wait for a destination that
 * is away are slot-delivery.ts.
 *
 * Example:
 *   const slot = new ForwarderSlot(forwarder, { capacity: 100 }, () => logger);
 *   slot.offer(event, 'local');
 *   await slot.whenIdle(); slot.stats(); // { name, queued: 0, delivered: 1, dropped: 0, failed: 0 }
 *   await slot.close();
 */
import type { Logger } from 'pino';
import { BoundedQueue } from './bounded-queue';
import { deadline } from './deadline';
import {
  DestinationUnavailableError,
  type EventOrigin,
  type Forwarder,
  type ForwarderOptions,
  type ForwarderStats,
} from './forwarder';
import type { BacklotEvent } from './payloads';
import { deliverWithin, waitUntilAvailable } from './slot-delivery';
import { SlotReports } from './slot-reports';

/** How long close() waits for a forwarder's close(). */
const FORWARDER_CLOSE_MS = 2_000;

export class ForwarderSlot {
  readonly queue: BoundedQueue<BacklotEvent>;
  private readonly batchSize: number;
  private readonly timeoutMs: number;
  private readonly localOnly: boolean;
  private readonly lingerMs: number;
  /** Pending while a partial batch waits for more events (lingerMs). */
  private lingerTimer: NodeJS.Timeout | undefined;
  /** Set by whenIdle() until the queue is idle: deliver partial batches without lingering. */
  private flushing = false;
  private delivered = 0;
  private scheduled = false;
  private busy = false;
  private closed = false;
  private inFlight: AbortController | undefined;
  /** The batch a DestinationUnavailableError handed back, delivered before the queue. */
  private held: BacklotEvent[] | undefined;
  /** Since when the destination is away (a held batch waits); undefined while it delivers. */
  private unavailableSince: number | undefined;
  private readonly closing = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private readonly reports: SlotReports;

  constructor(
    readonly forwarder: Forwarder,
    options: ForwarderOptions,
    private readonly log: () => Logger,
  ) {
    this.reports = new SlotReports(forwarder.name, log);
    this.queue = new BoundedQueue(options.capacity ?? 1_000);
    this.batchSize = options.batchSize ?? 100;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.localOnly = forwarder.scope === 'local';
    this.lingerMs = options.lingerMs ?? 0;
  }

  offer(event: BacklotEvent, origin: EventOrigin): void {
    if (this.closed || (origin === 'remote' && this.localOnly)) return;
    if (this.forwarder.accepts && !this.forwarder.accepts(event)) return;
    if (!this.queue.push(event)) {
      this.reports.dropped(event, this.queue.capacity, this.unavailableSince !== undefined);
      return;
    }
    this.schedule();
  }

  /** Arranges the next drain (none while one runs: it takes what arrives meanwhile). */
  private schedule(): void {
    if (this.busy || this.scheduled || this.closed) return;
    if (this.lingerMs > 0 && !this.flushing && this.queue.length < this.batchSize) {
      if (!this.lingerTimer) {
        this.lingerTimer = setTimeout(() => {
          this.lingerTimer = undefined;
          void this.drain(true);
        }, this.lingerMs);
        // The broker's flush (at stop) delivers what waits; a lingering batch holds no process open.
        this.lingerTimer.unref();
      }
      return;
    }
    this.clearLinger();
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain(true);
    });
  }

  private clearLinger(): void {
    if (!this.lingerTimer) return;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }

  stats(): ForwarderStats {
    return {
      name: this.forwarder.name,
      queued: this.queue.length + (this.held?.length ?? 0),
      delivered: this.delivered,
      dropped: this.reports.droppedTotal,
      failed: this.reports.failedTotal,
    };
  }

  isIdle(): boolean {
    return (
      this.closed || (!this.busy && !this.scheduled && this.queue.length === 0 && this.held === undefined)
    );
  }

  /** Resolves once every queued event was handed to the forwarder; what lingers goes at once. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    this.flushing = true;
    this.schedule();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    this.clearLinger();
    this.queue.clear();
    this.held = undefined;
    this.inFlight?.abort(new Error('event broker closed'));
    this.notifyIdle();
    const limit = deadline(FORWARDER_CLOSE_MS);
    try {
      const closing = Promise.resolve().then(() => this.forwarder.close?.());
      if ((await Promise.race([closing.then(() => 'closed' as const), limit.promise])) === 'timeout') {
        this.log().warn(
          { forwarder: this.forwarder.name },
          `Event forwarder ${this.forwarder.name} did not close within ${FORWARDER_CLOSE_MS} ms`,
        );
      }
    } catch (error) {
      this.log().warn(
        { forwarder: this.forwarder.name, err: error },
        `Event forwarder ${this.forwarder.name} failed to close`,
      );
    } finally {
      limit.cancel();
    }
  }

  /** Delivers batches; a partial one only first (`partial`), or when not lingering (flush, lingerMs 0). */
  private async drain(partial: boolean): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      while ((this.held !== undefined || this.queue.length > 0) && !this.closed) {
        if (this.held !== undefined) {
          await this.waitAvailable();
          if (this.closed) break;
          const batch = this.held;
          this.held = undefined;
          await this.deliver(batch);
          continue;
        }
        if (!partial && this.lingerMs > 0 && !this.flushing && this.queue.length < this.batchSize) break;
        await this.deliver(this.queue.take(this.batchSize));
        partial = false;
      }
    } finally {
      this.busy = false;
      if (this.queue.length > 0) this.schedule();
      this.notifyIdle();
    }
  }

  private async deliver(batch: BacklotEvent[]): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      if ((await deliverWithin(this.forwarder, batch, this.timeoutMs, controller)) === 'ok') {
        this.delivered += batch.length;
        this.reports.delivered();
        if (this.unavailableSince !== undefined) {
          this.reports.resumed(this.unavailableSince, this.queue.capacity);
          this.unavailableSince = undefined;
        }
        return;
      }
      this.fail(batch.length, `delivery of ${batch.length} event(s) timed out after ${this.timeoutMs} ms`);
    } catch (error) {
      if (error instanceof DestinationUnavailableError && !this.closed) {
        this.held = batch;
        this.unavailableSince ??= Date.now();
        return;
      }
      this.fail(
        batch.length,
        `delivery of ${batch.length} event(s) failed: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Waits until the forwarder says its destination is back (or the slot closes). */
  private async waitAvailable(): Promise<void> {
    if (this.unavailableSince === undefined) return;
    await waitUntilAvailable(this.forwarder, this.closing.signal);
  }

  private fail(count: number, message: string, error?: unknown): void {
    this.reports.failed(count, message, error, this.closed);
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    this.flushing = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
