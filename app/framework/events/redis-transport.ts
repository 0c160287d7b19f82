/**
 * Carries events between processes over one Redis stream, `<prefix>:events` (see docs/architecture/events.md
 * for why a stream rather than pub/sub): worker processes append, web processes read.
 *
 * Publisher side, a broker forwarder (scope 'local': only events produced in this process):
 *   each batch the broker hands it becomes one pipeline (one round trip, off every job's path) of
 *   XADD MAXLEN ~ maxLen entries, each holding the source id and up to EVENTS_PER_ENTRY events as
 *   one JSON array ('b'): a worker publishes two events per job, and a Redis command per event
 *   cost the worker more CPU than the job itself (npm run bench -- throughput --events 1). An event
 *   over maxEventBytes is dropped with a warning. Entries of one event ('e', as written before
 *   batching) are still read. While Redis is away (the connection's outage tracker, 'event
 *   publisher', says so, or the pipeline fails for a lost connection) deliver throws
 *   DestinationUnavailableError: the broker's slot keeps the batch and the queue behind it
 *   (bounded) and delivers them, in order, once the tracker reports the connection back. A
 *   pipeline in flight when the connection drops is sent again whole, so some of its entries may
 *   be in the stream twice (delivery is at least once).
 * Subscriber side, on a dedicated connection (it blocks in XREAD):
 *   1. start after the stream's newest entry (XREVRANGE + - COUNT 1);
 *   2. XREAD BLOCK from the last id read; validate each entry (parseEvent), skip this process's
 *      own (its local forwarders already had them), publish the rest to the broker as 'remote';
 *   3. on an error (connection killed, Redis restarting) wait retryDelayMs, read again from the
 *      last id: entries appended meanwhile are still in the stream, so a short disconnect loses
 *      nothing (a long one loses what MAXLEN trimmed). A lost connection is logged by the
 *      connection's outage tracker, 'event subscriber' (one line lost, one back); other read
 *      errors are logged, throttled;
 *   4. stop() ends the loop and closes the connection.
 *
 * Example:
 *   const transport = new RedisEventTransport({ prefix: '{backlot}' });
 *   broker.register(transport.publisher(redis), { capacity: 10_000, batchSize: 200 });   // worker
 *   const sub = transport.subscribe(broker, redis.duplicate()); await sub.ready;         // web
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisConnection } from '../redis-connection';
import type { Logger } from 'pino';
import { backlotSettings } from '../settings';
import type { EventBroker } from './broker';
import { isConnectionError, watchRedisOutage } from '../redis-outage';
import { DestinationUnavailableError, type Forwarder } from './forwarder';
import { LogThrottle } from './log-throttle';
import { parseEvent, type BacklotEvent } from './payloads';

export interface RedisEventTransportOptions {
  /** Key prefix (QUEUE_PREFIX); the stream is `<prefix>:events`. */
  prefix: string;
  /**
   * Entries the stream keeps, approximately (XADD MAXLEN ~); each holds 1 to EVENTS_PER_ENTRY
   * events, so the stream keeps between 1,000 and 50,000 events. @defaultValue 1000
   */
  maxLen?: number;
  /** Identifies this process in each entry. @defaultValue <host>:<pid>:<random> */
  source?: string;
  /** Larger events (JSON bytes) are not sent. @defaultValue 65536 */
  maxEventBytes?: number;
  /** @defaultValue the framework logger */
  logger?: () => Logger;
}

export interface SubscribeOptions {
  /** Longest XREAD BLOCK, ms. @defaultValue 5000 */
  blockMs?: number;
  /** Entries per read at most. @defaultValue 500 */
  count?: number;
  /** Wait after a failed read, ms. @defaultValue 1000 */
  retryDelayMs?: number;
}

export interface SubscriptionStats {
  received: number;
  /** Entries that failed validation. */
  invalid: number;
  /** Failed reads (each followed by a retry). */
  errors: number;
  lastId: string;
}

export interface EventSubscription {
  /** Resolves once the subscriber knows where the stream ends (events after that are received). */
  readonly ready: Promise<void>;
  stats(): SubscriptionStats;
  /** Ends the read loop and closes the subscriber's connection. */
  stop(): Promise<void>;
}

type StreamReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** Events per stream entry at most (one XADD each). @defaultValue 50 */
export const EVENTS_PER_ENTRY = 50;

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

export class RedisEventTransport {
  readonly key: string;
  readonly source: string;
  private readonly maxLen: number;
  private readonly maxEventBytes: number;
  private readonly log: () => Logger;

  constructor(options: RedisEventTransportOptions) {
    this.key = `${options.prefix}:events`;
    this.source = options.source ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.maxLen = options.maxLen ?? 1_000;
    this.maxEventBytes = options.maxEventBytes ?? 65_536;
    this.log = options.logger ?? (() => backlotSettings().logger);
  }

  /** The forwarder that appends this process's events to the stream over `connection`. */
  publisher(connection: RedisConnection): Forwarder {
    const oversize = new LogThrottle(10_000);
    const outage = watchRedisOutage(connection, 'event publisher', { logger: this.log });
    return {
      name: 'redis',
      scope: 'local',
      accepts: (event) => event.type !== 'clock.tick',
      whenAvailable: (signal) => outage.whenUp(signal),
      close: () => outage.dispose(),
      deliver: async (events) => {
        if (outage.down) throw new DestinationUnavailableError(`Redis is away (${this.key})`);
        const pipeline = connection.pipeline();
        let entries = 0;
        const xadd = (batch: string) => {
          pipeline.xadd(this.key, 'MAXLEN', '~', this.maxLen, '*', 's', this.source, 'b', batch);
          entries += 1;
        };
        // One entry per EVENTS_PER_ENTRY events, serialized at once when even all together they are
        // within maxEventBytes (then none is over it); otherwise event by event, leaving out big ones.
        for (let i = 0; i < events.length; i += EVENTS_PER_ENTRY) {
          const slice = events.slice(i, i + EVENTS_PER_ENTRY);
          const json = JSON.stringify(slice);
          if (json.length * 3 <= this.maxEventBytes || Buffer.byteLength(json) <= this.maxEventBytes) {
            xadd(json);
            continue;
          }
          const kept = this.withinLimit(slice, oversize);
          if (kept.length > 0) xadd(`[${kept.join(',')}]`);
        }
        if (entries === 0) return;
        let results;
        try {
          results = await pipeline.exec();
        } catch (error) {
          throw this.unavailable(error, outage);
        }
        const failed = results?.find(([error]) => error);
        if (failed?.[0]) throw this.unavailable(failed[0], outage);
      },
    };
  }

  /** A lost connection becomes DestinationUnavailableError (the batch is kept); others stay as they are. */
  private unavailable(error: unknown, outage: { lost(error: unknown): void }): unknown {
    if (!isConnectionError(error)) return error;
    outage.lost(error);
    return new DestinationUnavailableError(`Redis is away (${(error as Error).message})`);
  }

  /** Each event's JSON, leaving out (and logging) any over maxEventBytes. */
  private withinLimit(events: readonly BacklotEvent[], oversize: LogThrottle): string[] {
    const kept: string[] = [];
    for (const event of events) {
      const json = JSON.stringify(event);
      // UTF-16 length <= UTF-8 bytes: only a long string needs measuring.
      if (json.length * 3 > this.maxEventBytes && Buffer.byteLength(json) > this.maxEventBytes) {
        if (oversize.hit() > 0) {
          this.log().warn(
            { eventType: event.type, topic: event.topic, bytes: Buffer.byteLength(json) },
            `Event ${event.type} on ${event.topic} is over ${this.maxEventBytes} bytes: not sent to other processes`,
          );
        }
        continue;
      }
      kept.push(json);
    }
    return kept;
  }

  /** Reads other processes' events into `broker`; `connection` becomes the subscription's own. */
  subscribe(
    broker: EventBroker,
    connection: RedisConnection,
    options: SubscribeOptions = {},
  ): EventSubscription {
    const blockMs = options.blockMs ?? 5_000;
    const count = options.count ?? 500;
    const retryDelayMs = options.retryDelayMs ?? 1_000;
    const stopping = new AbortController();
    const stats: SubscriptionStats = { received: 0, invalid: 0, errors: 0, lastId: '0-0' };
    const readErrors = new LogThrottle(30_000);
    const outage = watchRedisOutage(connection, 'event subscriber', { logger: this.log });
    const invalidLog = new LogThrottle(10_000);
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));

    const skip = (id: string, error: unknown) => {
      stats.invalid += 1;
      if (invalidLog.hit() > 0)
        this.log().warn(
          { stream: this.key, id, err: error },
          `Skipped an invalid event in ${this.key} (${id}): ${(error as Error).message}`,
        );
    };
    const deliver = (id: string, raw: unknown) => {
      let event: BacklotEvent;
      try {
        event = parseEvent(raw);
      } catch (error) {
        skip(id, error);
        return;
      }
      stats.received += 1;
      broker.publish(event, 'remote');
    };
    const handle = (id: string, fields: string[]) => {
      stats.lastId = id;
      if (field(fields, 's') === this.source) return;
      const batch = field(fields, 'b');
      let parsed: unknown;
      try {
        parsed = JSON.parse(batch ?? field(fields, 'e') ?? 'null');
        if (batch !== undefined && !Array.isArray(parsed)) throw new Error('a batch entry holds no array');
      } catch (error) {
        skip(id, error);
        return;
      }
      if (batch === undefined) deliver(id, parsed);
      else for (const raw of parsed as unknown[]) deliver(id, raw);
    };

    const loop = async () => {
      let positioned = false;
      let recovering = false;
      while (!stopping.signal.aborted) {
        try {
          if (!positioned) {
            const newest = (await connection.xrevrange(this.key, '+', '-', 'COUNT', 1)) as [
              string,
              string[],
            ][];
            stats.lastId = newest[0]?.[0] ?? '0-0';
            positioned = true;
            markReady();
          }
          const reply: StreamReply = await connection.xread(
            'COUNT',
            count,
            'BLOCK',
            blockMs,
            'STREAMS',
            this.key,
            stats.lastId,
          );
          if (recovering) {
            recovering = false;
            readErrors.reset();
          }
          for (const [, entries] of reply ?? []) for (const [id, fields] of entries) handle(id, fields);
        } catch (error) {
          if (stopping.signal.aborted) break;
          stats.errors += 1;
          recovering = true;
          if (outage.down || isConnectionError(error)) outage.lost(error);
          else if (readErrors.hit() > 0) {
            this.log().warn(
              { stream: this.key, err: error },
              `Reading events from ${this.key} failed (${(error as Error).message}); retrying every ${retryDelayMs} ms`,
            );
          }
          await sleep(retryDelayMs, stopping.signal);
        }
      }
    };
    const running = loop();

    return {
      ready,
      stats: () => ({ ...stats }),
      stop: async () => {
        if (stopping.signal.aborted) return running;
        stopping.abort();
        markReady();
        outage.dispose();
        connection.disconnect();
        await running;
      },
    };
  }
}
