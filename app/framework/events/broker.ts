/**
 * The in-process event broker (Flamenco's event bus): producers publish, the broker fans each
 * event out to every registered forwarder (forwarder.ts), and each forwarder's slot
 * (forwarder-slot.ts) drains its own bounded queue on its own.
 *
 * Steps of publish(event, origin) (synchronous, no I/O, never throws):
 *   offer the event to each slot (scope, accepts() and a full queue are the slot's to decide); a
 *   slot that throws is logged and the others still get the event.
 * Steps of close(timeoutMs):
 *   flush (wait until every queue is empty and no delivery runs, up to timeoutMs; what is left is
 *   logged), then close every slot (each forwarder's close()); later publishes reach no forwarder and
 *   later registrations throw.
 *
 * Example:
 *   const broker = new EventBroker();
 *   broker.register({ name: 'print', deliver: (events) => console.log(events) }, { capacity: 100 });
 *   broker.publish(createEvent('clock.tick', { intervalMs: 1000 }));
 *   await broker.close();
 */
import type { Logger } from 'pino';
import { backlotSettings, type EventPublisher } from '../settings';
import { deadline } from './deadline';
import type {
  EventOrigin,
  Forwarder,
  ForwarderOptions,
  ForwarderRegistration,
  ForwarderStats,
} from './forwarder';
import { ForwarderSlot } from './forwarder-slot';
import type { BacklotEvent } from './payloads';

export interface EventBrokerOptions {
  /** @defaultValue the framework logger (backlotSettings().logger), read when a line is written */
  logger?: () => Logger;
}

export class EventBroker implements EventPublisher {
  /** Replaced, never mutated, so publish iterates a stable array. */
  private slots: readonly ForwarderSlot[] = [];
  private readonly log: () => Logger;
  private closed = false;

  constructor(options: EventBrokerOptions = {}) {
    this.log = options.logger ?? (() => backlotSettings().logger);
  }

  register(forwarder: Forwarder, options: ForwarderOptions = {}): ForwarderRegistration {
    if (this.closed)
      throw new Error(`cannot register forwarder ${forwarder.name}: the event broker is closed`);
    const slot = new ForwarderSlot(forwarder, options, this.log);
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
    const limit = deadline(timeoutMs);
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
