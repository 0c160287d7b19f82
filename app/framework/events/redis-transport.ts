/**
 * Carries events between processes over one Redis stream, `<prefix>:events` (see docs/architecture/events.md
 * for why a stream rather than pub/sub): worker processes append, web processes read. This is the
 * transport's configuration and entry; the two sides are stream-publisher.ts (a broker forwarder
 * appending this process's events in batches) and stream-subscriber.ts (the XREAD loop publishing
 * other processes' events to the broker), sharing the stream and entry shape of event-stream.ts.
 *
 * Steps: resolve the options (key, source id, limits) once; publisher(connection) and
 * subscribe(broker, connection) each start one side over their own connection.
 *
 * Example:
 *   const transport = new RedisEventTransport({ prefix: '{backlot}' });
 *   broker.register(transport.publisher(redis), { capacity: 10_000, batchSize: 200 });   // worker
 *   const sub = transport.subscribe(broker, redis.duplicate()); await sub.ready;         // web
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { RedisConnection } from '../redis-connection';
import { backlotSettings } from '../settings';
import type { EventBroker } from './broker';
import type { EventStream } from './event-stream';
import type { Forwarder } from './forwarder';
import { streamPublisher } from './stream-publisher';
import { subscribeToStream, type EventSubscription, type SubscribeOptions } from './stream-subscriber';

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

export class RedisEventTransport {
  readonly key: string;
  readonly source: string;
  private readonly stream: EventStream;

  constructor(options: RedisEventTransportOptions) {
    this.key = `${options.prefix}:events`;
    this.source = options.source ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.stream = {
      key: this.key,
      source: this.source,
      maxLen: options.maxLen ?? 1_000,
      maxEventBytes: options.maxEventBytes ?? 65_536,
      log: options.logger ?? (() => backlotSettings().logger),
    };
  }

  /** The forwarder that appends this process's events to the stream over `connection`. */
  publisher(connection: RedisConnection): Forwarder {
    return streamPublisher(this.stream, connection);
  }

  /** Reads other processes' events into `broker`; `connection` becomes the subscription's own. */
  subscribe(
    broker: EventBroker,
    connection: RedisConnection,
    options: SubscribeOptions = {},
  ): EventSubscription {
    return subscribeToStream(this.stream, broker, connection, options);
  }
}
