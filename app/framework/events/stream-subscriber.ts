/**
 * The subscriber side of the Redis event transport: reads other processes' events from the
 * stream into the broker, on a dedicated connection (it blocks in XREAD).
 *
 * Steps:
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
 * Example: const sub = subscribeToStream(stream, broker, redis.duplicate()); await sub.ready;
 */
import type { RedisConnection } from '../redis-connection';
import { isConnectionError, watchRedisOutage } from '../redis-outage';
import type { EventBroker } from './broker';
import { field, type EventStream } from './event-stream';
import { LogThrottle } from './log-throttle';
import { parseEvent, type BacklotEvent } from './payloads';
import { sleep } from './sleep';

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

/** Reads other processes' events from `stream` into `broker`; `connection` becomes the subscription's own. */
export function subscribeToStream(
  stream: EventStream,
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
  const outage = watchRedisOutage(connection, 'event subscriber', { logger: stream.log });
  const invalidLog = new LogThrottle(10_000);
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const skip = (id: string, error: unknown) => {
    stats.invalid += 1;
    if (invalidLog.hit() > 0)
      stream
        .log()
        .warn(
          { stream: stream.key, id, err: error },
          `Skipped an invalid event in ${stream.key} (${id}): ${(error as Error).message}`,
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
    if (field(fields, 's') === stream.source) return;
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
          const newest = (await connection.xrevrange(stream.key, '+', '-', 'COUNT', 1)) as [
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
          stream.key,
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
          stream
            .log()
            .warn(
              { stream: stream.key, err: error },
              `Reading events from ${stream.key} failed (${(error as Error).message}); retrying every ${retryDelayMs} ms`,
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
