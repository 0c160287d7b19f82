/**
 * The in-process event broker (Flamenco's event bus): producers publish, the broker fans each
 * event out to every registered forwarder, and each forwarder drains its own bounded queue on
 * its own, so a slow or hanging forwarder never blocks a producer or another forwarder.
 *
 * Steps of publish(event, origin) (synchronous, no I/O):
 *   for each forwarder: skip it when the event came from another process and the forwarder
 *   takes only this process's events (scope 'local': the Redis publisher, MQTT, logs), or when
 *   its accepts() says no; push the event on its queue; when the queue is full, drop the event,
 *   count it and log an error (at most one line a second per forwarder, with the count).
 * Steps of each forwarder's drain (after the current turn of the event loop):
 *   take up to batchSize events, await deliver(batch, signal); a delivery that throws or runs
 *   past timeoutMs counts its events as failed, is logged, and its signal aborts; repeat until
 *   the queue is empty. One batch is in flight per forwarder at a time.
 *
 * Example:
 *   const broker = new EventBroker();
 *   broker.register({ name: 'print', deliver: (events) => console.log(events) }, { capacity: 100 });
 *   broker.publish(createEvent('bur.status', { burId: 12, status: 'processing' }));
 *   await broker.close();
 */
import type { Logger } from 'pino';
import { backlotSettings, type EventPublisher } from '../settings';
import { BoundedQueue } from './bounded-queue';
import { LogThrottle } from './log-throttle';
import type { BacklotEvent } from './payloads';

/** 'local': produced in this process; 'remote': read from another process (the Redis stream). */
export type EventOrigin = 'local' | 'remote';

export interface Forwarder {
  readonly name: string;
  /** Which events it takes: 'local' ones only, or 'all' (also other processes'). @defaultValue 'all' */
  readonly scope?: 'local' | 'all';
  /** Filter run at publish time (keep it cheap); false: the event never enters the queue. */
  accepts?(event: BacklotEvent): boolean;
  /** Delivers one batch; the signal aborts when the delivery timed out or the broker closes. */
  deliver(events: readonly BacklotEvent[], signal: AbortSignal): Promise<void> | void;
  /** Called once when the forwarder is unregistered or the broker closes. */
  close?(): Promise<void> | void;
}

export interface ForwarderOptions {
  /** Events waiting at most; more are dropped with an error log. @defaultValue 1000 */
  capacity?: number;
  /** Events handed to one deliver call at most. @defaultValue 100 */
  batchSize?: number;
  /** A deliver call running longer is abandoned: its events count as failed. @defaultValue 10000 */
  timeoutMs?: number;
}

export interface ForwarderStats {
  name: string;
  /** Waiting in the queue now. */
  queued: number;
  delivered: number;
  /** Refused because the queue was full. */
  dropped: number;
  /** Handed to a deliver call that threw or timed out. */
  failed: number;
}

export interface ForwarderRegistration {
  stats(): ForwarderStats;
  /** Stops delivering (queued events are discarded) and calls the forwarder's close(). */
  unregister(): Promise<void>;
}

export interface EventBrokerOptions {
  /** @defaultValue the framework logger (backlotSettings().logger), read when a line is written */
  logger?: () => Logger;
}

/** How long close() waits for a forwarder's close(). */
const FORWARDER_CLOSE_MS = 2_000;

function timeout(ms: number): { promise: Promise<'timeout'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

class Slot {
  readonly queue: BoundedQueue<BacklotEvent>;
  private readonly batchSize: number;
  private readonly timeoutMs: number;
  private readonly localOnly: boolean;
  private delivered = 0;
  private dropped = 0;
  private failed = 0;
  private scheduled = false;
  private busy = false;
  private closed = false;
  private inFlight: AbortController | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly dropLog = new LogThrottle();
  private readonly failLog = new LogThrottle();

  constructor(
    readonly forwarder: Forwarder,
    options: ForwarderOptions,
    private readonly log: () => Logger,
  ) {
    this.queue = new BoundedQueue(options.capacity ?? 1_000);
    this.batchSize = options.batchSize ?? 100;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.localOnly = forwarder.scope === 'local';
  }

  offer(event: BacklotEvent, origin: EventOrigin): void {
    if (this.closed || (origin === 'remote' && this.localOnly)) return;
    if (this.forwarder.accepts && !this.forwarder.accepts(event)) return;
    if (!this.queue.push(event)) {
      this.dropped += 1;
      const n = this.dropLog.hit();
      if (n > 0) {
        this.log().error(
          {
            forwarder: this.forwarder.name,
            dropped: n,
            droppedTotal: this.dropped,
            capacity: this.queue.capacity,
            eventType: event.type,
          },
          `Event forwarder ${this.forwarder.name}: queue full (${this.queue.capacity} events), dropped ${n} event(s), ${this.dropped} in all`,
        );
      }
      return;
    }
    if (!this.scheduled && !this.busy) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.drain();
      });
    }
  }

  stats(): ForwarderStats {
    return {
      name: this.forwarder.name,
      queued: this.queue.length,
      delivered: this.delivered,
      dropped: this.dropped,
      failed: this.failed,
    };
  }

  isIdle(): boolean {
    return this.closed || (!this.busy && !this.scheduled && this.queue.length === 0);
  }

  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.clear();
    this.inFlight?.abort(new Error('event broker closed'));
    this.notifyIdle();
    const limit = timeout(FORWARDER_CLOSE_MS);
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

  private async drain(): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) await this.deliver(this.queue.take(this.batchSize));
    } finally {
      this.busy = false;
      this.notifyIdle();
    }
  }

  private async deliver(batch: BacklotEvent[]): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    const limit = timeout(this.timeoutMs);
    try {
      const delivering = Promise.resolve().then(() => this.forwarder.deliver(batch, controller.signal));
      const result = await Promise.race([delivering.then(() => 'ok' as const), limit.promise]);
      if (result === 'ok') {
        this.delivered += batch.length;
        this.failLog.reset();
        return;
      }
      controller.abort(new Error(`delivery timed out after ${this.timeoutMs} ms`));
      this.fail(batch.length, `delivery of ${batch.length} event(s) timed out after ${this.timeoutMs} ms`);
    } catch (error) {
      this.fail(
        batch.length,
        `delivery of ${batch.length} event(s) failed: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    } finally {
      limit.cancel();
      this.inFlight = undefined;
    }
  }

  private fail(count: number, message: string, error?: unknown): void {
    this.failed += count;
    if (this.closed) return;
    const n = this.failLog.hit();
    if (n > 0) {
      this.log().error(
        { forwarder: this.forwarder.name, failedTotal: this.failed, err: error },
        `Event forwarder ${this.forwarder.name}: ${message}${n > 1 ? ` (${n} failures since the last line)` : ''}`,
      );
    }
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

export class EventBroker implements EventPublisher {
  /** Replaced, never mutated, so publish iterates a stable array. */
  private slots: readonly Slot[] = [];
  private readonly log: () => Logger;
  private closed = false;

  constructor(options: EventBrokerOptions = {}) {
    this.log = options.logger ?? (() => backlotSettings().logger);
  }

  register(forwarder: Forwarder, options: ForwarderOptions = {}): ForwarderRegistration {
    if (this.closed)
      throw new Error(`cannot register forwarder ${forwarder.name}: the event broker is closed`);
    const slot = new Slot(forwarder, options, this.log);
    this.slots = [...this.slots, slot];
    return {
      stats: () => slot.stats(),
      unregister: async () => {
        this.slots = this.slots.filter((s) => s !== slot);
        await slot.close();
      },
    };
  }

  /** Fans the event out; never throws, never waits. */
  publish(event: BacklotEvent, origin: EventOrigin = 'local'): void {
    for (const slot of this.slots) {
      try {
        slot.offer(event, origin);
      } catch (error) {
        this.log().error(
          { forwarder: slot.forwarder.name, err: error },
          `Event forwarder ${slot.forwarder.name} refused an event`,
        );
      }
    }
  }

  stats(): ForwarderStats[] {
    return this.slots.map((slot) => slot.stats());
  }

  /** Waits until every queue is empty and no delivery runs, or timeoutMs; true when all drained. */
  async flush(timeoutMs = 5_000): Promise<boolean> {
    const limit = timeout(timeoutMs);
    try {
      const all = Promise.all(this.slots.map((slot) => slot.whenIdle())).then(() => 'idle' as const);
      return (await Promise.race([all, limit.promise])) === 'idle';
    } finally {
      limit.cancel();
    }
  }

  /** Flushes (up to timeoutMs), then closes every forwarder; later publishes are ignored. */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.closed) return;
    const drained = await this.flush(timeoutMs);
    if (!drained) {
      const left = this.stats().filter((s) => s.queued > 0);
      this.log().warn(
        { forwarders: left },
        `Event broker closing with undelivered events after ${timeoutMs} ms`,
      );
    }
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((slot) => slot.close()));
  }
}
