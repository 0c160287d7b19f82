/**
 * sseHandler's limits and re-checks, each over its own broker and server: a client that stops
 * reading is disconnected, open streams are re-authorized (a demoted or deleted viewer's stream
 * ends), and one address holds at most maxClientsPerAddress streams. The streaming itself is
 * sse.test.ts.
 */
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, EventBroker, sseHandler, type SseHandler } from '../../../app/framework/index';
import { TEST_LEVELS, TEST_POLICY } from './test-events';
import { listen, openSse, sleep, waitUntil, type TestServer } from './support';

const job = (jobId: string) => ({ jobId, jobClass: 'SignupJob', queue: 'default', attempt: 1 });
const started = (jobId: string) =>
  createEvent('job.started', { ...job(jobId), arguments: [{ email: 'a@b' }] });

describe('sseHandler with a client that stops reading', () => {
  it('disconnects it once too much is buffered, without holding up the other clients', async () => {
    const local = new EventBroker();
    const handler = sseHandler(local, {
      authorize: () => TEST_LEVELS.admin,
      policy: TEST_POLICY,
      maxBufferedBytes: 256 * 1024,
    });
    const app = express();
    app.get('/events', handler);
    const srv = await listen(app);
    try {
      const stuck = openSse(srv.url('/events?topics=/jobs'));
      (await stuck.response).pause(); // reads nothing more
      const reader = openSse(srv.url('/events?topics=/jobs'));
      await reader.response;
      await waitUntil(() => handler.hub.clientCount === 2, 2_000, 'two clients');
      const big = 'x'.repeat(20_000);
      // 20 kB at a time, at a pace the reading client keeps up with (it shares this event loop)
      for (let i = 0; i < 3_000 && handler.hub.clientCount === 2; i += 1) {
        local.publish(createEvent('job.progress', { ...job(`j${i}`), progress: { note: big } }));
        await local.flush(2_000);
        if (i % 10 === 9) await sleep(2);
      }
      await waitUntil(() => handler.hub.clientCount === 1, 5_000, 'the stuck client to be dropped');
      local.publish(createEvent('job.progress', { ...job('last'), progress: 100 }));
      await reader.waitFor((m) => m.at(-1)?.data?.includes('"jobId":"last"') === true, 5_000);
      reader.close();
      stuck.close();
    } finally {
      await handler.close();
      await local.close(100);
      await srv.close();
    }
  });
});

describe('sseHandler re-checking open streams', () => {
  /** Each viewer's level now (?as=name); the test changes them while streams are open. */
  const current = new Map<string, number | undefined>();
  const viewer = (req: { url?: string }) => new URL(req.url ?? '/', 'http://x').searchParams.get('as') ?? '';
  let lookups = 0;
  let failing = false;
  const warnings: string[] = [];
  let local: EventBroker;
  let handler: SseHandler;
  let srv: TestServer;

  beforeAll(async () => {
    local = new EventBroker();
    handler = sseHandler(local, {
      policy: TEST_POLICY,
      authorize: (req) => current.get(viewer(req)),
      recheck: {
        everyMs: 50,
        levels: async (reqs) => {
          await sleep(1);
          lookups += 1;
          if (failing) throw new Error('database down');
          return reqs.map((req) => current.get(viewer(req)));
        },
      },
      logger: () => ({ warn: (_: unknown, message: string) => warnings.push(message) }) as never,
    });
    srv = await listen((req, res) => void handler(req as express.Request, res));
  });
  afterAll(async () => {
    await handler.close();
    await local.close(100);
    await srv.close();
  });

  it("ends a demoted admin's stream; reconnecting resumes at the new level, without job arguments", async () => {
    current.set('alice', TEST_LEVELS.admin);
    const stream = openSse(srv.url('/events?topics=/jobs&as=alice'));
    await stream.response;
    await waitUntil(() => handler.hub.clientCount === 1, 2_000, 'the stream to attach');
    local.publish(started('before'));
    await local.flush(2_000);
    const [first] = await stream.waitForEvents(1);
    expect(first?.data).toMatchObject({ arguments: [{ email: 'a@b' }] });

    current.set('alice', TEST_LEVELS.member);
    await stream.ended;
    const lastId = stream.messages.filter((m) => m.id).at(-1)?.id ?? '';
    local.publish(started('while-away'));
    await local.flush(2_000);
    const again = openSse(srv.url('/events?topics=/jobs&as=alice'), { 'Last-Event-ID': lastId });
    expect((await again.response).statusCode).toBe(200);
    const [resumed] = await again.waitForEvents(1);
    expect(resumed?.data).toEqual(job('while-away'));
    again.close();
  });

  it('ends the stream of a viewer refused now (a deleted account), and keeps the unchanged ones open', async () => {
    current.set('bob', TEST_LEVELS.member);
    current.set('carol', TEST_LEVELS.member);
    const bob = openSse(srv.url('/events?topics=/jobs&as=bob'));
    const carol = openSse(srv.url('/events?topics=/jobs&as=carol'));
    await Promise.all([bob.response, carol.response]);
    current.set('bob', undefined);
    await bob.ended;
    expect((await openSse(srv.url('/events?topics=/jobs&as=bob')).response).statusCode).toBe(401);
    const seen = lookups;
    await waitUntil(() => lookups >= seen + 3, 2_000, 'three more re-checks');
    expect(handler.hub.clientCount).toBe(1);
    local.publish(started('still-here'));
    await local.flush(2_000);
    await carol.waitForEvents(1);
    carol.close();
  });

  it('keeps the streams open and logs a warning when the lookup fails', async () => {
    current.set('dan', TEST_LEVELS.member);
    const dan = openSse(srv.url('/events?topics=/jobs&as=dan'));
    await dan.response;
    await waitUntil(() => handler.hub.clientCount === 1, 2_000, 'the stream to attach');
    failing = true;
    const seen = lookups;
    await waitUntil(() => lookups >= seen + 2, 2_000, 'two failed re-checks');
    expect(warnings).toContain('SSE: could not re-check the viewers of open streams; they stay open');
    expect(handler.hub.clientCount).toBe(1);
    failing = false;
    current.set('dan', undefined);
    await dan.ended;
  });
});

describe('sseHandler per-address cap', () => {
  it('refuses a stream past maxClientsPerAddress from one address with 429 and Retry-After; others still connect', async () => {
    const local = new EventBroker();
    const handler = sseHandler(local, {
      policy: TEST_POLICY,
      authorize: () => TEST_LEVELS.member,
      maxClientsPerAddress: 2,
      clientAddress: (req) => String(req.headers['x-test-address']),
    });
    const srv = await listen((req, res) => void handler(req as express.Request, res));
    const from = (address: string) => openSse(srv.url('/events?topics=/jobs'), { 'X-Test-Address': address });
    try {
      const open = [from('a'), from('a')];
      expect((await Promise.all(open.map((c) => c.response))).map((r) => r.statusCode)).toEqual([200, 200]);
      await waitUntil(() => handler.hub.clientCount === 2, 2_000, 'two streams');
      const third = from('a');
      const refused = await third.response;
      await third.ended;
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('10');
      expect(third.body()).toContain('too many event streams from your address (at most 2)');
      const elsewhere = from('b');
      expect((await elsewhere.response).statusCode).toBe(200);

      open[0]?.close();
      await waitUntil(() => handler.hub.clientCount === 2, 2_000, 'one stream of a gone');
      const again = from('a');
      expect((await again.response).statusCode).toBe(200);
      for (const c of [...open, elsewhere, again]) c.close();
    } finally {
      await handler.close();
      await local.close(100);
      await srv.close();
    }
  });
});
