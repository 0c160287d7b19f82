import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEvent,
  EventBroker,
  EVENTS_PER_ENTRY,
  RedisEventTransport,
  type EventSubscription,
} from '../../../app/framework/index';
import { thingStatus } from './test-events';
import { captureLogs } from '../../support/log-capture';
import { useRedisPrefix } from '../../support/redis';
import { recorder, waitUntil } from './support';

const scope = useRedisPrefix('events');
const status = (thingId: number) => createEvent(thingStatus, { thingId, status: 'processing' });

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A "worker" broker appending to the stream and a "web" broker reading it, on separate connections. */
function pair(label: string, subscribeOptions = {}) {
  const prefix = `${scope.prefix}:${label}`;
  const worker = new EventBroker();
  const web = new EventBroker();
  const workerSide = new RedisEventTransport({ prefix, source: `worker-${label}`, maxLen: 1_000 });
  const webSide = new RedisEventTransport({ prefix, source: `web-${label}` });
  worker.register(workerSide.publisher(scope.connection()), { batchSize: 50 });
  const received = recorder('received');
  web.register(received);
  const subscriberConnection = new Redis(scope.url, {
    maxRetriesPerRequest: null,
    connectionName: `events-sub-${label}`,
    retryStrategy: () => 50,
  });
  const subscription: EventSubscription = webSide.subscribe(web, subscriberConnection, {
    blockMs: 500,
    retryDelayMs: 50,
    ...subscribeOptions,
  });
  cleanups.push(
    () => subscription.stop(),
    () => worker.close(500),
    () => web.close(500),
  );
  return { worker, web, received, subscription, subscriberConnection, key: workerSide.key, webSide };
}

describe('RedisEventTransport', () => {
  it('carries events published in one broker to another over a Redis stream, in order, validated', async () => {
    const { worker, received, subscription } = pair('basic');
    await subscription.ready;
    for (let i = 1; i <= 120; i += 1) worker.publish(status(i));
    await waitUntil(() => received.events.length === 120, 5_000, '120 events across Redis');
    expect(received.events.map((e) => (e.data as { thingId: number }).thingId)).toEqual(
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    expect(received.events[0]).toMatchObject({ v: 1, type: 'thing.status', topic: '/things/1' });
    expect(subscription.stats()).toMatchObject({ received: 120, invalid: 0 });
  });

  it('writes up to 50 events per stream entry (one XADD each), in order', async () => {
    const { worker, key } = pair('batch');
    for (let i = 1; i <= 1_000; i += 1) worker.publish(status(i));
    expect(await worker.flush(10_000)).toBe(true);
    const entries = await scope.connection().xrange(key, '-', '+');
    const perEntry = entries.map(([, fields]) => (JSON.parse(fields[3] ?? '[]') as unknown[]).length);
    expect(entries.every(([, fields]) => fields[2] === 'b')).toBe(true);
    expect(Math.max(...perEntry)).toBe(EVENTS_PER_ENTRY);
    expect(perEntry.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(entries).toHaveLength(1_000 / EVENTS_PER_ENTRY);
    const ids = entries.flatMap(([, fields]) =>
      (JSON.parse(fields[3] ?? '[]') as { data: { thingId: number } }[]).map((e) => e.data.thingId),
    );
    expect(ids).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
  });

  it('leaves out an event over maxEventBytes with a warning, keeping the others in order', async () => {
    const logs = captureLogs('warn');
    const prefix = `${scope.prefix}:oversize`;
    const transport = new RedisEventTransport({ prefix, source: 'worker-oversize', maxEventBytes: 1_000 });
    const worker = new EventBroker();
    worker.register(transport.publisher(scope.connection()), { batchSize: 200 });
    cleanups.push(() => worker.close(500));
    const big = createEvent(thingStatus, { thingId: 2, status: 'failed', message: 'x'.repeat(2_000) });
    for (const event of [status(1), big, status(3), ...Array.from({ length: 60 }, (_, i) => status(i + 4))])
      worker.publish(event);
    expect(await worker.flush(5_000)).toBe(true);
    const entries = await scope.connection().xrange(transport.key, '-', '+');
    const ids = entries.flatMap(([, fields]) =>
      (JSON.parse(fields[3] ?? '[]') as { data: { thingId: number } }[]).map((e) => e.data.thingId),
    );
    expect(ids).toEqual([1, ...Array.from({ length: 61 }, (_, i) => i + 3)]);
    expect(logs.lines.find((l) => l.eventType === 'thing.status')?.msg).toBe(
      'Event thing.status on /things/2 is over 1000 bytes: not sent to other processes',
    );
  });

  it('trims the stream to about maxLen entries', async () => {
    const { worker, key } = pair('trim');
    // One event per flush: one entry each.
    for (let i = 1; i <= 3_000; i += 1) {
      worker.publish(status(i));
      await worker.flush(10_000);
    }
    const length = await scope.connection().xlen(key);
    expect(length).toBeGreaterThanOrEqual(1_000);
    expect(length).toBeLessThan(1_500);
  });

  it('does not send clock ticks, nor events from other processes back, and skips its own entries', async () => {
    const prefix = `${scope.prefix}:loop`;
    const transport = new RedisEventTransport({ prefix, source: 'web-1' });
    const broker = new EventBroker();
    const seen = recorder('seen');
    broker.register(transport.publisher(scope.connection()));
    broker.register(seen);
    const subscription = transport.subscribe(broker, new Redis(scope.url, { maxRetriesPerRequest: null }), {
      blockMs: 200,
    });
    cleanups.push(
      () => subscription.stop(),
      () => broker.close(500),
    );
    await subscription.ready;
    broker.publish(createEvent('clock.tick', { intervalMs: 1 }));
    broker.publish(status(1)); // local: delivered to `seen` directly, appended, skipped on the way back
    const other = new RedisEventTransport({ prefix, source: 'worker-9' });
    const otherBroker = new EventBroker();
    otherBroker.register(other.publisher(scope.connection()));
    cleanups.push(() => otherBroker.close(500));
    otherBroker.publish(status(2));
    await waitUntil(() => seen.events.length === 3, 5_000, 'three events');
    await broker.flush(1_000);
    const entries = await scope.connection().xrange(transport.key, '-', '+');
    expect(entries.map(([, fields]) => fields[1])).toEqual(['web-1', 'worker-9']); // no tick, no echo of thingId 2
    expect(seen.events.map((e) => e.type)).toEqual(['clock.tick', 'thing.status', 'thing.status']);
    expect(subscription.stats().received).toBe(1);
  });

  it('skips and counts entries that fail validation, with a warning', async () => {
    const logs = captureLogs('info');
    const { received, subscription, key } = pair('invalid');
    await subscription.ready;
    const redis = scope.connection();
    await redis.xadd(key, '*', 's', 'evil', 'e', '{not json');
    await redis.xadd(key, '*', 's', 'evil', 'e', JSON.stringify({ ...status(1), v: 99 }));
    await redis.xadd(key, '*', 's', 'evil', 'e', JSON.stringify({ ...status(1), data: { thingId: 1 } }));
    await redis.xadd(key, '*', 's', 'evil', 'b', '{"not":"an array"}');
    await redis.xadd(key, '*', 's', 'worker', 'b', JSON.stringify([{ ...status(8), v: 99 }, status(9)]));
    await redis.xadd(key, '*', 's', 'worker', 'e', JSON.stringify(status(7)));
    await waitUntil(() => received.events.length === 2, 5_000, 'the valid events');
    expect(received.events.map((e) => e.data)).toEqual([
      { thingId: 9, status: 'processing' },
      { thingId: 7, status: 'processing' },
    ]);
    expect(subscription.stats()).toMatchObject({ received: 2, invalid: 5 });
    expect(logs.lines.some((l) => l.level === 40 && /Skipped an invalid event/.test(l.msg))).toBe(true);
  });

  it("resumes after the subscriber's connection is killed (CLIENT KILL), losing nothing published meanwhile", async () => {
    const logs = captureLogs('info');
    const { worker, received, subscription } = pair('kill');
    await subscription.ready;
    worker.publish(status(1));
    await waitUntil(() => received.events.length === 1, 5_000, 'the first event');

    const admin = scope.connection();
    const clients = (await admin.client('LIST')) as string;
    const line = clients.split('\n').find((l) => / name=events-sub-kill /.test(l));
    const id = / id=(\d+) /.exec(` ${line ?? ''}`)?.[1];
    expect(id, 'subscriber connection in CLIENT LIST').toBeDefined();
    expect(await admin.client('KILL', 'ID', id as string)).toBe(1);
    // published while the subscriber is away: the stream keeps them
    for (let i = 2; i <= 20; i += 1) worker.publish(status(i));

    await waitUntil(() => received.events.length === 20, 10_000, 'all 20 events after the kill');
    expect(received.events.map((e) => (e.data as { thingId: number }).thingId)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const after = (await admin.client('LIST')) as string;
    expect(after.split('\n').filter((l) => / name=events-sub-kill /.test(l))).toHaveLength(1);
    // and it keeps working
    worker.publish(status(21));
    await waitUntil(() => received.events.length === 21, 5_000, 'event 21');
    expect(logs.lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('retries reads while Redis refuses them and stop() ends the loop promptly', async () => {
    const logs = captureLogs('info');
    const prefix = `${scope.prefix}:down`;
    const transport = new RedisEventTransport({ prefix, source: 'web' });
    const broker = new EventBroker();
    // a port nobody listens on: every read fails, the loop waits retryDelayMs between tries
    const dead = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 1,
      retryStrategy: () => 20,
      lazyConnect: false,
    });
    const subscription = transport.subscribe(broker, dead, { retryDelayMs: 20 });
    await waitUntil(() => subscription.stats().errors >= 3, 5_000, 'three failed reads');
    const started = Date.now();
    await subscription.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    await broker.close(100);
    // One line for the outage (the connection's tracker), not one per failed read or attempt.
    const warnings = logs.lines.filter((l) => l.level === 40);
    expect(warnings.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^Redis connection event subscriber lost \(.*ECONNREFUSED.*\); reconnecting$/),
    ]);
  });
});
