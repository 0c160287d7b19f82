import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../../config/env';
import {
  createEvent,
  EventBroker,
  MqttForwarder,
  parseEvent,
  startEventBus,
} from '../../../app/framework/index';
import { thingStatus, thingProgress } from './test-events';
import { captureLogs } from '../../support/log-capture';
import { waitUntil } from './support';

const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const { hostname: MQTT_HOST, port } = new URL(MQTT_URL);
const MQTT_PORT = Number(port || 1883);

let subscriber: MqttClient;
const received: { topic: string; payload: string; qos: number }[] = [];

beforeAll(async () => {
  try {
    subscriber = await connectAsync(MQTT_URL, { connectTimeout: 2_000, reconnectPeriod: 0 });
  } catch (error) {
    throw new Error(
      `Mosquitto does not answer at ${MQTT_URL} (${(error as Error).message}): start it with \`mosquitto -d -c /etc/mosquitto/mosquitto.conf\` (Debian package mosquitto)`,
      { cause: error },
    );
  }
  subscriber.on('message', (topic, payload, packet: IPublishPacket) =>
    received.push({ topic, payload: payload.toString(), qos: packet.qos }),
  );
});
afterAll(async () => {
  await subscriber?.endAsync();
});

async function listenTo(prefix: string): Promise<void> {
  await subscriber.subscribeAsync(`${prefix}/#`, { qos: 1 });
}
const on = (prefix: string) => received.filter((m) => m.topic.startsWith(`${prefix}/`));
const newPrefix = () => `backlot-test-${randomBytes(4).toString('hex')}`;

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port: free } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return free;
}

describe('MqttForwarder', () => {
  it('publishes each event as JSON on prefix + topic at QoS 1', async () => {
    const prefix = newPrefix();
    await listenTo(prefix);
    const broker = new EventBroker();
    const mqtt = new MqttForwarder({ url: MQTT_URL, topicPrefix: prefix });
    broker.register(mqtt);
    try {
      broker.publish(createEvent(thingStatus, { thingId: 12, status: 'approved' }));
      broker.publish(
        createEvent('job.completed', {
          jobId: 'j-1',
          jobClass: 'PingJob',
          queue: 'default',
          attempt: 1,
          durationMs: 2,
        }),
      );
      broker.publish(createEvent('clock.tick', { intervalMs: 1000 }));
      await waitUntil(() => on(prefix).length === 3, 5_000, 'three MQTT messages');
      expect(on(prefix).map((m) => [m.topic, m.qos])).toEqual([
        [`${prefix}/things/12`, 1],
        [`${prefix}/jobs/j-1`, 1],
        [`${prefix}/lifecycle/clock`, 1],
      ]);
      expect(parseEvent(JSON.parse(on(prefix)[0]?.payload ?? 'null'))).toMatchObject({
        type: 'thing.status',
        data: { thingId: 12 },
      });
      await waitUntil(() => broker.stats()[0]?.delivered === 3, 5_000, 'the PUBACKs');
      expect(broker.stats()[0]).toMatchObject({ delivered: 3, dropped: 0, failed: 0 });
    } finally {
      await broker.close(1_000);
    }
  });

  it('while the broker is unreachable, keeps a bounded queue and drops the overflow with an error log', async () => {
    const logs = captureLogs('info');
    const broker = new EventBroker();
    const mqtt = new MqttForwarder({
      url: `mqtt://127.0.0.1:${await closedPort()}`,
      reconnectMs: 100,
      connectTimeoutMs: 500,
    });
    const reg = broker.register(mqtt, { capacity: 5, batchSize: 2, timeoutMs: 30_000 });
    try {
      for (let i = 1; i <= 20; i += 1)
        broker.publish(createEvent(thingProgress, { thingId: 1, done: i, total: 20 }));
      await waitUntil(
        () => logs.lines.some((l) => /MQTT .*ECONNREFUSED/.test(l.msg)),
        5_000,
        'a connection error',
      );
      // 5 fit the queue, 2 of them are in the waiting delivery; the other 15 were dropped at once
      expect(reg.stats()).toMatchObject({ queued: 3, dropped: 15, delivered: 0 });
      const drop = logs.lines.find((l) => /Event forwarder mqtt: queue full/.test(l.msg));
      expect(drop).toMatchObject({ level: 50, forwarder: 'mqtt', capacity: 5 });
      const refused = logs.lines.filter((l) => /ECONNREFUSED/.test(l.msg));
      await new Promise((resolve) => setTimeout(resolve, 500)); // several reconnect attempts
      expect(logs.lines.filter((l) => /ECONNREFUSED/.test(l.msg))).toHaveLength(refused.length); // throttled
    } finally {
      const started = Date.now();
      await broker.close(100);
      expect(Date.now() - started).toBeLessThan(3_000);
    }
  });

  it('reconnects after reconnectMs and delivers what waited in its queue', async () => {
    const prefix = newPrefix();
    await listenTo(prefix);
    const logs = captureLogs('info');
    const proxyPort = await closedPort();
    const broker = new EventBroker();
    const mqtt = new MqttForwarder({
      url: `mqtt://127.0.0.1:${proxyPort}`,
      topicPrefix: prefix,
      reconnectMs: 150,
      connectTimeoutMs: 500,
    });
    broker.register(mqtt, { capacity: 100 });
    // a TCP proxy to Mosquitto that appears only after the forwarder has failed to connect
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(MQTT_PORT, MQTT_HOST);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    try {
      for (let i = 1; i <= 3; i += 1)
        broker.publish(createEvent(thingProgress, { thingId: 5, done: i, total: 3 }));
      await waitUntil(
        () => logs.lines.some((l) => /ECONNREFUSED/.test(l.msg)),
        5_000,
        'a refused connection',
      );
      proxy.listen(proxyPort, '127.0.0.1');
      await once(proxy, 'listening');
      await waitUntil(() => on(prefix).length === 3, 5_000, 'the three queued events');
      expect(on(prefix).map((m) => (JSON.parse(m.payload) as { data: { done: number } }).data.done)).toEqual([
        1, 2, 3,
      ]);
      // QoS 1 is at least once: a message whose PUBACK is lost with the connection is sent again
      await waitUntil(() => broker.stats()[0]?.delivered === 3, 5_000, 'the PUBACKs');

      // the connection drops: the forwarder says so, reconnects, and carries on
      for (const s of sockets) s.destroy();
      await waitUntil(
        () => logs.lines.some((l) => /MQTT connection to .* lost; reconnecting every 150 ms/.test(l.msg)),
        5_000,
        'the lost line',
      );
      broker.publish(createEvent(thingStatus, { thingId: 5, status: 'approved' }));
      await waitUntil(
        () => on(prefix).some((m) => m.payload.includes('"approved"')),
        5_000,
        'the event after the reconnect',
      );
      expect(logs.lines.filter((l) => /MQTT connected to/.test(l.msg)).length).toBeGreaterThanOrEqual(2);
    } finally {
      await broker.close(1_000);
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('is what startEventBus adds when given an MQTT URL (events of this process, QoS 1)', async () => {
    const prefix = newPrefix();
    await listenTo(prefix);
    const bus = startEventBus({ mqtt: { url: MQTT_URL, topicPrefix: prefix }, log: false });
    try {
      bus.broker.publish(
        createEvent('worker.up', {
          workerId: 'h:1',
          host: 'h',
          pid: 1,
          pools: ['default:1'],
          queues: ['default'],
          concurrency: 1,
        }),
      );
      bus.broker.publish(createEvent(thingStatus, { thingId: 9, status: 'approved' }), 'remote'); // another process's: not republished
      await waitUntil(() => on(prefix).length === 1, 5_000, 'the worker.up message');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(on(prefix).map((m) => m.topic)).toEqual([`${prefix}/workers/h%3A1`]);
    } finally {
      await bus.stop(1_000);
    }
  });
});

describe('MQTT settings in config/env.ts', () => {
  it('reads MQTT_URL and MQTT_TOPIC_PREFIX, both optional', () => {
    expect(parseEnv({}).MQTT_URL).toBeUndefined();
    expect(parseEnv({}).MQTT_TOPIC_PREFIX).toBeUndefined();
    const e = parseEnv({ MQTT_URL: 'mqtt://127.0.0.1:1883', MQTT_TOPIC_PREFIX: 'site/backlot' });
    expect([e.MQTT_URL, e.MQTT_TOPIC_PREFIX]).toEqual(['mqtt://127.0.0.1:1883', 'site/backlot']);
    expect(parseEnv({ MQTT_URL: 'wss://broker.example:8884/mqtt' }).MQTT_URL).toBe(
      'wss://broker.example:8884/mqtt',
    );
  });

  it('refuses other schemes and prefixes with wildcards or stray slashes', () => {
    expect(() => parseEnv({ MQTT_URL: 'http://127.0.0.1:1883' })).toThrow(ConfigError);
    expect(() => parseEnv({ MQTT_URL: 'http://127.0.0.1:1883' })).toThrow(
      /MQTT_URL="http:\/\/127.0.0.1:1883": expected a URL starting with mqtt:/,
    );
    for (const bad of ['backlot/#', 'a/+/b', '/backlot', 'backlot/', 'a//b']) {
      expect(() => parseEnv({ MQTT_TOPIC_PREFIX: bad }), bad).toThrow(/MQTT_TOPIC_PREFIX/);
    }
  });
});
