/**
 * What a forwarder is to the event broker: the interface a destination implements (Redis stream,
 * Server-Sent Events, MQTT, logs), the options of its queue, what registering one returns, and the
 * one error a forwarder throws to say "not now, keep the batch" (DestinationUnavailableError).
 * The broker (broker.ts) fans events out, a slot (forwarder-slot.ts) delivers them.
 *
 * Steps, as the broker drives a forwarder:
 *   1. register(forwarder, options): the broker gives it a bounded queue of `capacity` events.
 *   2. publish: scope and accepts() decide, at publish time, whether an event enters its queue.
 *   3. deliver(batch, signal): up to `batchSize` events at a time, one call in flight; the signal
 *      aborts after `timeoutMs` or when the broker closes.
 *      A deliver that throws DestinationUnavailableError (its destination is away, nothing was
 *      sent) keeps the batch: the slot waits for whenAvailable() and delivers it again, first.
 *   4. close(): once, when unregistered or when the broker closes.
 *
 * Example:
 *   const print: Forwarder = { name: 'print', scope: 'local', deliver: (events) => console.log(events) };
 *   const registration: ForwarderRegistration = broker.register(print, { capacity: 100 });
 *   registration.stats(); // { name: 'print', queued: 0, delivered: 0, dropped: 0, failed: 0 }
 */
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
  /**
   * After a DestinationUnavailableError: resolves when delivering is worth trying again (or the
   * signal aborts: the broker closes). @defaultValue one second later
   */
  whenAvailable?(signal: AbortSignal): Promise<void>;
  /** Called once when the forwarder is unregistered or the broker closes. */
  close?(): Promise<void> | void;
}

/** Thrown by deliver: the destination is away and nothing of the batch was sent; keep it for later. */
export class DestinationUnavailableError extends Error {
  override name = 'DestinationUnavailableError';
}

export interface ForwarderOptions {
  /**
   * Events waiting at most, also while the destination is away (DestinationUnavailableError);
   * more are dropped, counted and logged. @defaultValue 1000
   */
  capacity?: number;
  /** Events handed to one deliver call at most. @defaultValue 100 */
  batchSize?: number;
  /** A deliver call running longer is abandoned: its events count as failed. @defaultValue 10000 */
  timeoutMs?: number;
  /**
   * A partial batch waits up to this long (ms) for more events, so a busy process makes fewer,
   * larger deliveries; a full batch goes at once, and the broker's flush does not wait.
   * 0: deliver after the publishing turn. @defaultValue 0
   */
  lingerMs?: number;
}

export interface ForwarderStats {
  name: string;
  /** Waiting in the queue now (with a batch held while the destination is away). */
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
