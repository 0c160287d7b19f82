import { describe, expect, it } from 'vitest';
import {
  createEvent,
  DestinationUnavailableError,
  EventBroker,
  type BacklotEvent,
  type Forwarder,
} from '../../../app/framework/index';
import { thingStatus } from './test-events';
import { captureLogs } from '../../support/log-capture';
import { recorder, sleep, tick, useBrokers, waitUntil } from './support';

/** A forwarder whose deliver never settles (a dead MQTT broker, a stuck socket). */
function hanging(name = 'hanging'): Forwarder & { calls: number; aborted: number } {
  const f = {
    name,
    calls: 0,
    aborted: 0,
    deliver(_events: readonly BacklotEvent[], signal: AbortSignal) {
      f.calls += 1;
      signal.addEventListener('abort', () => (f.aborted += 1));
      return new Promise<void>(() => undefined);
    },
  };
  return f;
}

const broker = useBrokers();

describe('EventBroker', () => {
  it('fans every event out to every forwarder, in order, in batches, after the publishing turn', async () => {
    const b = broker();
    const one = recorder('one');
    const two = recorder('two');
    b.register(one, { batchSize: 3 });
    b.register(two);
    for (let i = 1; i <= 7; i += 1) b.publish(tick(i));
    expect(one.events).toEqual([]); // publish only queues
    await b.flush(2_000);
    expect(one.events.map((e) => e.data)).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((intervalMs) => ({ intervalMs })),
    );
    expect(two.events).toEqual(one.events);
    expect(one.batches).toEqual([3, 3, 1]);
    expect(b.stats()).toEqual([
      { name: 'one', queued: 0, delivered: 7, dropped: 0, failed: 0 },
      { name: 'two', queued: 0, delivered: 7, dropped: 0, failed: 0 },
    ]);
  });

  it('with lingerMs, a partial batch waits for more events; a full batch goes at once; flush() does not wait', async () => {
    const b = broker();
    const slow = recorder('slow');
    // Far longer than the test: a partial batch can only go out by a full batch or a flush.
    b.register(slow, { batchSize: 4, lingerMs: 60_000 });
    for (let i = 1; i <= 3; i += 1) b.publish(tick(i));
    await sleep(50);
    expect(slow.batches).toEqual([]);
    for (let i = 4; i <= 6; i += 1) b.publish(tick(i));
    await waitUntil(() => slow.batches.length === 1, 2_000, 'the full batch');
    await sleep(50);
    expect(slow.batches).toEqual([4]); // the remaining two linger
    expect(await b.flush(2_000)).toBe(true);
    expect(slow.batches).toEqual([4, 2]);
    expect(slow.events.map((e) => e.data)).toEqual([1, 2, 3, 4, 5, 6].map((intervalMs) => ({ intervalMs })));

    const quick = recorder('quick');
    b.register(quick, { batchSize: 100, lingerMs: 30 });
    for (let i = 1; i <= 5; i += 1) {
      b.publish(tick(i));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Published over several turns, delivered together once the linger ran out.
    await waitUntil(() => quick.events.length === 5, 2_000, 'the lingering batch');
    expect(quick.batches).toEqual([5]);
  });

  it('keeps events from other processes away from forwarders of scope local, and honours accepts()', async () => {
    const b = broker();
    const local = recorder('local', 'local');
    const all = recorder('all', 'all');
    const picky = { ...recorder('picky'), accepts: (e: BacklotEvent) => e.type === 'thing.status' };
    b.register(local);
    b.register(all);
    b.register(picky);
    b.publish(tick(1), 'local');
    b.publish(tick(2), 'remote');
    b.publish(createEvent(thingStatus, { thingId: 1, status: 'approved' }), 'remote');
    await b.flush(2_000);
    expect(local.events.map((e) => e.type)).toEqual(['clock.tick']);
    expect(all.events).toHaveLength(3);
    expect(picky.events.map((e) => e.type)).toEqual(['thing.status']);
  });

  it('a forwarder that hangs forever blocks neither producers nor the other forwarders', async () => {
    const logs = captureLogs('info');
    const b = broker();
    const dead = hanging();
    const live = recorder('live');
    const dead0 = b.register(dead, { capacity: 10, batchSize: 5, timeoutMs: 60_000 });
    b.register(live);
    const started = performance.now();
    for (let i = 1; i <= 500; i += 1) b.publish(tick(i));
    const publishMs = performance.now() - started;
    expect(publishMs).toBeLessThan(200); // 500 synchronous pushes, no waiting on the dead forwarder

    await waitUntil(() => live.events.length === 500, 5_000, 'the live forwarder to get all 500');
    // The live forwarder keeps receiving while the dead one is still stuck on its first batch.
    b.publish(tick(501));
    await waitUntil(() => live.events.length === 501, 2_000, 'event 501');
    expect(dead.calls).toBe(1);
    // 10 fit, 490 dropped; the first batch of 5 hangs in deliver, event 501 took a freed slot.
    expect(dead0.stats()).toMatchObject({ queued: 6, delivered: 0, dropped: 490 });
    expect(logs.lines.some((l) => l.level === 50 && /Event forwarder hanging: queue full/.test(l.msg))).toBe(
      true,
    );
    // flush gives up on the dead one after its timeout instead of waiting forever
    expect(await b.flush(100)).toBe(false);
  });

  it('abandons a delivery past timeoutMs, aborts its signal, counts the batch failed and moves on', async () => {
    const logs = captureLogs('info');
    const b = broker();
    const dead = hanging('slowpoke');
    const reg = b.register(dead, { capacity: 100, batchSize: 2, timeoutMs: 50 });
    for (let i = 1; i <= 4; i += 1) b.publish(tick(i));
    await waitUntil(() => dead.calls === 2 && dead.aborted === 2, 2_000, 'two timed-out deliveries');
    expect(reg.stats()).toMatchObject({ queued: 0, delivered: 0, failed: 4, dropped: 0 });
    expect(
      logs.lines.find((l) => /slowpoke: delivery of 2 event\(s\) timed out after 50 ms/.test(l.msg))?.level,
    ).toBe(50);
  });

  it('logs a full queue as an error at most once a second, with the count of dropped events', async () => {
    const logs = captureLogs('info');
    const b = broker();
    const reg = b.register(hanging('stuck'), { capacity: 3, batchSize: 1 });
    for (let i = 1; i <= 50; i += 1) b.publish(tick(i));
    const drops = () => logs.lines.filter((l) => /stuck: queue full/.test(l.msg));
    expect(reg.stats().dropped).toBe(50 - 3); // the first batch has not been taken yet: all 3 slots full
    expect(drops()).toHaveLength(1);
    expect(drops()[0]).toMatchObject({
      level: 50,
      forwarder: 'stuck',
      capacity: 3,
      dropped: 1,
      droppedTotal: 1,
    });
    await sleep(1_050);
    b.publish(tick(51)); // takes the slot the (hanging) first batch freed
    b.publish(tick(52));
    expect(drops()).toHaveLength(2);
    expect(drops()[1]).toMatchObject({ dropped: 47, droppedTotal: 48 });
  });

  it('keeps the batches of a destination that is away and delivers them in order once it is back; drops what does not fit, counted', async () => {
    const logs = captureLogs('info');
    let away = true;
    let back!: () => void;
    const available = new Promise<void>((resolve) => (back = resolve));
    const delivered: number[] = [];
    let attempts = 0;
    const b = broker();
    const registration = b.register(
      {
        name: 'flaky-redis',
        whenAvailable: () => available,
        deliver(events) {
          attempts += 1;
          if (away) throw new DestinationUnavailableError('Redis is away');
          for (const e of events) delivered.push((e.data as { intervalMs: number }).intervalMs);
        },
      },
      { capacity: 10, batchSize: 4 },
    );
    for (let i = 1; i <= 10; i += 1) b.publish(tick(i));
    await sleep(50); // the first delivery finds the destination away
    for (let i = 11; i <= 20; i += 1) b.publish(tick(i));
    await sleep(50);
    // One batch of 4 is held, 10 wait in the queue, 6 were dropped; one attempt, then it waits.
    expect(attempts).toBe(1);
    expect(registration.stats()).toMatchObject({ queued: 14, delivered: 0, dropped: 6, failed: 0 });
    expect(logs.lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([
      expect.stringMatching(/destination away and queue full \(10 events\)/),
    ]);
    away = false;
    back();
    await waitUntil(() => delivered.length === 14, 2_000, 'the held events delivered');
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(registration.stats()).toMatchObject({ queued: 0, delivered: 14, dropped: 6, failed: 0 });
    expect(logs.lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([
      expect.stringMatching(/destination away and queue full/),
      expect.stringMatching(/delivering again; 6 event\(s\) were dropped while the destination was away/),
    ]);
  });

  it('survives forwarders that throw, synchronously or not', async () => {
    const logs = captureLogs('info');
    const b = broker();
    const live = recorder('live');
    b.register({
      name: 'sync-thrower',
      deliver: () => {
        throw new Error('kaput');
      },
    });
    b.register({ name: 'async-thrower', deliver: () => Promise.reject(new Error('later kaput')) });
    b.register({
      name: 'bad-filter',
      accepts: () => {
        throw new Error('filter kaput');
      },
      deliver: () => undefined,
    });
    b.register(live);
    b.publish(tick(1));
    await b.flush(2_000);
    expect(live.events).toHaveLength(1);
    expect(b.stats().map((s) => [s.name, s.failed])).toEqual([
      ['sync-thrower', 1],
      ['async-thrower', 1],
      ['bad-filter', 0],
      ['live', 0],
    ]);
    expect(logs.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'Event forwarder sync-thrower: delivery of 1 event(s) failed: kaput',
        'Event forwarder async-thrower: delivery of 1 event(s) failed: later kaput',
        'Event forwarder bad-filter refused an event',
      ]),
    );
  });

  it('close() flushes, closes each forwarder once (even a hanging one) and ignores later events', async () => {
    const b = new EventBroker();
    let closed = 0;
    const rec = { ...recorder('closing'), close: () => void (closed += 1) };
    b.register(rec);
    b.register({ ...hanging('stuck'), close: () => new Promise<void>(() => undefined) });
    b.publish(tick(1));
    const started = Date.now();
    await b.close(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(rec.events).toHaveLength(1);
    expect(closed).toBe(1);
    b.publish(tick(2));
    await sleep(20);
    expect(rec.events).toHaveLength(1);
    expect(() => b.register(recorder())).toThrow(/closed/);
  });

  it('unregister() stops deliveries to that forwarder only', async () => {
    const b = broker();
    const gone = recorder('gone');
    const stays = recorder('stays');
    const reg = b.register(gone);
    b.register(stays);
    await reg.unregister();
    b.publish(tick(1));
    await b.flush(1_000);
    expect(gone.events).toEqual([]);
    expect(stays.events).toHaveLength(1);
  });
});
