/**
 * startEventBus: wires one process's event bus and makes it the framework's event publisher.
 *
 * Steps:
 *   1. create the broker and configureEvents(broker): from now on the framework's job and worker
 *      events are published (without a bus they are not even built);
 *   2. forwarders: the log forwarder (DEBUG lines; on unless log: false); with `redis`, the Redis
 *      stream publisher on its own connection (this process's events reach the others); with
 *      `mqtt`, the MQTT forwarder (this process's events, prefix + topic, QoS 1);
 *   3. with redis.subscribe (web processes), a subscriber reading every other process's events
 *      into this broker, where sseHandler's hub picks them up;
 *   4. with clockTickMs, a clock.tick on /lifecycle/clock every clockTickMs (this process only);
 *   5. stop(): stop the clock and the subscriber, flush the queues (up to timeoutMs, so a worker's
 *      last worker.down reaches Redis), close the forwarders and connections, unset the publisher.
 * Synchronous, so a sync boot function can call it; `ready` resolves once the subscriber listens.
 *
 * Example (config/backlot.ts):
 *   const events = startEventBus({ redis: { url: e.REDIS_URL, prefix: e.QUEUE_PREFIX }, mqtt: e.MQTT_URL ? { url: e.MQTT_URL, topicPrefix: e.MQTT_TOPIC_PREFIX } : undefined });
 *   ...; await events.stop();
 */
import { Redis } from 'ioredis';
import type { RedisConnection } from '../redis-connection';
import { backlotSettings } from '../settings';
import { EventBroker } from './broker';
import type { ForwarderOptions } from './forwarder';
import { configureEvents } from './framework-events';
import { logForwarder } from './log-forwarder';
import { MqttForwarder } from './mqtt-forwarder';
import { createEvent } from './payloads';
import { RedisEventTransport } from './redis-transport';
import type { EventSubscription } from './stream-subscriber';

export interface EventBusOptions {
  /** Carry events between processes over the Redis stream `<prefix>:events`. Omitted: this process only. */
  redis?: {
    url: string;
    /**
     * Opens the bus's connections (the app's factory, config/redis.ts: Sentinel, Cluster);
     * blocking: the stream reader. @defaultValue a plain ioredis client on `url`
     */
    connect?: (blocking: boolean) => RedisConnection;
    /** QUEUE_PREFIX. */
    prefix: string;
    /** Also read the other processes' events (web processes). @defaultValue false */
    subscribe?: boolean;
    /** Stream entries kept, approximately (1 to 50 events each, see event-stream.ts). @defaultValue 1000 */
    maxLen?: number;
    /**
     * The publisher's queue. Events wait up to lingerMs for a fuller pipeline: a worker's job
     * events reach other processes within one linger, at a pipeline per batchSize events when busy.
     * @defaultValue { capacity: 10000, batchSize: 200, lingerMs: 20 }
     */
    queue?: ForwarderOptions;
  };
  /** Publish this process's events to MQTT (MQTT_URL, MQTT_TOPIC_PREFIX). Omitted: no MQTT. */
  mqtt?: {
    url: string;
    /** @defaultValue 'backlot' */
    topicPrefix?: string;
    /** @defaultValue 5000 */
    reconnectMs?: number;
    /** The MQTT queue. @defaultValue { capacity: 1000, batchSize: 50, timeoutMs: 30000 } */
    queue?: ForwarderOptions;
  };
  /** DEBUG log line per event produced here. @defaultValue true */
  log?: boolean;
  /** clock.tick every this many ms from this process; 0: none. @defaultValue 0 */
  clockTickMs?: number;
}

export interface EventBus {
  readonly broker: EventBroker;
  /** Resolves when the subscriber (if any) listens; at once otherwise. */
  readonly ready: Promise<void>;
  readonly subscription: EventSubscription | undefined;
  readonly mqtt: MqttForwarder | undefined;
  /** Flushes (up to timeoutMs), closes everything, unsets the framework's publisher. */
  stop(timeoutMs?: number): Promise<void>;
}

/** The bus's own connections; the transport watches each (one line when Redis is lost, one when back). */
function connection(url: string, blocking: boolean): RedisConnection {
  return new Redis(url, {
    maxRetriesPerRequest: blocking ? null : 3,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    connectionName: blocking ? 'backlot:events:subscriber' : 'backlot:events:publisher',
  });
}

export function startEventBus(options: EventBusOptions = {}): EventBus {
  const broker = new EventBroker();
  configureEvents(broker);
  if (options.log ?? true) broker.register(logForwarder(), { capacity: 1_000, batchSize: 100 });

  const connections: RedisConnection[] = [];
  let subscription: EventSubscription | undefined;
  if (options.redis) {
    const { url, prefix } = options.redis;
    const open = options.redis.connect ?? ((blocking: boolean) => connection(url, blocking));
    const transport = new RedisEventTransport({
      prefix,
      ...(options.redis.maxLen ? { maxLen: options.redis.maxLen } : {}),
    });
    const publisher = open(false);
    connections.push(publisher);
    broker.register(transport.publisher(publisher), {
      capacity: 10_000,
      batchSize: 200,
      lingerMs: 20,
      ...options.redis.queue,
    });
    if (options.redis.subscribe) subscription = transport.subscribe(broker, open(true));
  }

  let mqtt: MqttForwarder | undefined;
  if (options.mqtt) {
    mqtt = new MqttForwarder({
      url: options.mqtt.url,
      ...(options.mqtt.topicPrefix !== undefined ? { topicPrefix: options.mqtt.topicPrefix } : {}),
      ...(options.mqtt.reconnectMs !== undefined ? { reconnectMs: options.mqtt.reconnectMs } : {}),
    });
    broker.register(mqtt, { capacity: 1_000, batchSize: 50, timeoutMs: 30_000, ...options.mqtt.queue });
  }

  let clock: NodeJS.Timeout | undefined;
  const tickMs = options.clockTickMs ?? 0;
  if (tickMs > 0) {
    clock = setInterval(
      () => broker.publish(createEvent('clock.tick', { intervalMs: tickMs })),
      tickMs,
    ).unref();
  }

  let stopped: Promise<void> | undefined;
  return {
    broker,
    ready: subscription?.ready ?? Promise.resolve(),
    subscription,
    mqtt,
    stop(timeoutMs = 5_000) {
      stopped ??= (async () => {
        clearInterval(clock);
        await subscription?.stop();
        await broker.close(timeoutMs);
        if (backlotSettings().events === broker) configureEvents(undefined);
        await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      })();
      return stopped;
    },
  };
}
