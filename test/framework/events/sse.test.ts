import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEvent,
  EventBroker,
  sseHandler,
  type BacklotEvent,
  type SseHandler,
} from '../../../app/framework/index';
import { TEST_LEVELS, TEST_POLICY, thingStatus } from './test-events';
import { listen, openSse, sleep, waitUntil, type TestServer } from './support';

const job = (jobId: string) => ({ jobId, jobClass: 'SignupJob', queue: 'default', attempt: 1 });
const started = (jobId: string) =>
  createEvent('job.started', { ...job(jobId), arguments: [{ email: 'a@b' }] });
const failed = (jobId: string) =>
  createEvent('job.failed', {
    ...job(jobId),
    durationMs: 1,
    error: { name: 'SmtpError', message: 'mail.example:25 refused' },
    exhausted: true,
    discarded: false,
  });
const status = (thingId: number) => createEvent(thingStatus, { thingId, status: 'processing' });

/** ?as=admin|member|anonymous picks the level; ?as=nobody is refused. */
const LEVELS: Record<string, number> = {
  admin: TEST_LEVELS.admin,
  member: TEST_LEVELS.member,
  anonymous: TEST_LEVELS.anonymous,
};

let broker: EventBroker;
let events: SseHandler;
let server: TestServer;

beforeAll(async () => {
  broker = new EventBroker();
  events = sseHandler(broker, {
    policy: TEST_POLICY,
    authorize: async (req) => {
      await sleep(1); // an async session lookup
      const as = typeof req.query.as === 'string' ? req.query.as : 'anonymous';
      return LEVELS[as];
    },
    heartbeatMs: 100,
    bufferSize: 5,
  });
  const app = express();
  app.get('/events', events);
  server = await listen(app);
});

afterAll(async () => {
  await events.close();
  await broker.close(500);
  await server.close();
});

/** Publishes and waits until the hub has handled it. */
async function publish(...list: BacklotEvent[]): Promise<void> {
  for (const event of list) broker.publish(event);
  await broker.flush(2_000);
}

describe('sseHandler', () => {
  it('streams with the SSE headers, a retry hint and heartbeat comments', async () => {
    const client = openSse(server.url('/events?topics=/jobs&as=member'));
    const res = await client.response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache, no-transform');
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.headers.connection).toBe('keep-alive');
    await client.waitFor((m) => m.filter((x) => x.comments.includes('heartbeat')).length >= 2, 3_000);
    expect(client.messages[0]).toMatchObject({ retry: '3000' });
    client.close();
  });

  it('sends only the subscribed topics and what lies below them', async () => {
    const client = openSse(server.url('/events?topics=/jobs/a,/things/12&as=member'));
    await client.response;
    await waitUntil(() => events.hub.clientCount === 1, 2_000, 'the client to attach');
    await publish(started('a'), started('b'), status(12), status(13), started('a'));
    const got = await client.waitForEvents(3);
    await sleep(50);
    expect(client.events().map((e) => e.topic)).toEqual(['/jobs/a', '/things/12', '/jobs/a']);
    expect(got.every((e) => e.v === 1)).toBe(true);
    client.close();
  });

  it('restricts fields by level: arguments and error messages for admins only', async () => {
    const admin = openSse(server.url('/events?topics=/jobs&as=admin'));
    const member = openSse(server.url('/events?topics=/jobs&as=member'));
    await Promise.all([admin.response, member.response]);
    await waitUntil(() => events.hub.clientCount === 2, 2_000, 'two clients');
    await publish(started('x'), failed('x'));
    const [adminStarted, adminFailed] = await admin.waitForEvents(2);
    const [memberStarted, memberFailed] = await member.waitForEvents(2);
    expect(adminStarted?.data).toMatchObject({ arguments: [{ email: 'a@b' }] });
    expect(adminFailed?.data).toMatchObject({
      error: { name: 'SmtpError', message: 'mail.example:25 refused' },
    });
    expect(memberStarted?.data).toEqual(job('x'));
    expect(memberFailed?.data).toMatchObject({ error: { name: 'SmtpError' } });
    expect(JSON.stringify(memberFailed)).not.toContain('refused');
    admin.close();
    member.close();
  });

  it('restricts topics by level (403), refuses unknown viewers (401) and bad topic lists (400)', async () => {
    const cases: [string, number, RegExp][] = [
      ['/events?topics=/workers&as=member', 403, /not allowed: \/workers/],
      ['/events?topics=/lifecycle,/jobs&as=anonymous', 403, /not allowed: \/jobs$/],
      ['/events?topics=/jobs&as=nobody', 401, /not signed in/],
      ['/events?as=admin', 400, /topics is required/],
      ['/events?topics=jobs&as=admin', 400, /invalid topic "jobs"/],
      ['/events?topics=/jobs/%23&as=admin', 400, /invalid topic/],
    ];
    for (const [path, status, message] of cases) {
      const client = openSse(server.url(path));
      const res = await client.response;
      await client.ended;
      expect(res.statusCode, path).toBe(status);
      expect((JSON.parse(client.body()) as { error: string }).error, path).toMatch(message);
    }
    const admin = openSse(server.url('/events?topics=/workers&as=admin'));
    expect((await admin.response).statusCode).toBe(200);
    admin.close();
    const anonymous = openSse(server.url('/events?topics=/lifecycle'));
    expect((await anonymous.response).statusCode).toBe(200);
    anonymous.close();
  });

  it('resumes after Last-Event-ID from the ring buffer, with the same topic filter', async () => {
    const first = openSse(server.url('/events?topics=/things&as=member'));
    await first.response;
    await waitUntil(() => events.hub.clientCount >= 1, 2_000, 'the client to attach');
    await publish(status(1), status(2));
    const seen = await first.waitForEvents(2);
    const lastId = first.messages.filter((m) => m.data && !m.event).at(-1)?.id;
    expect(lastId).toMatch(/^[0-9a-f]+-\d+$/);
    first.close();
    await first.ended;
    await waitUntil(() => events.hub.clientCount === 0, 2_000, 'the server to notice the disconnect');

    // missed while disconnected: two thing events and a job event the client did not subscribe to
    await publish(status(3), started('q'), status(4));
    const again = openSse(server.url('/events?topics=/things&as=member'), {
      'Last-Event-ID': lastId as string,
    });
    const replayed = await again.waitForEvents(2);
    expect(replayed.map((e) => e.data)).toEqual([3, 4].map((thingId) => ({ thingId, status: 'processing' })));
    expect(seen.map((e) => (e.data as { thingId: number }).thingId)).toEqual([1, 2]);
    // then live, and ids keep increasing
    await publish(status(5));
    await again.waitForEvents(3);
    const ids = again.messages.filter((m) => m.id).map((m) => Number(m.id?.split('-')[1]));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    again.close();

    // the same through ?lastEventId= (EventSource polyfills)
    const viaQuery = openSse(server.url(`/events?topics=/things&as=member&lastEventId=${lastId}`));
    expect((await viaQuery.waitForEvents(3)).map((e) => (e.data as { thingId: number }).thingId)).toEqual([
      3, 4, 5,
    ]);
    viaQuery.close();
  });

  it('sends a resync event when the Last-Event-ID is from another run or older than the ring', async () => {
    const foreign = openSse(server.url('/events?topics=/things&as=member'), {
      'Last-Event-ID': 'deadbeef-3',
    });
    await foreign.waitFor((m) => m.some((x) => x.event === 'resync'));
    expect(JSON.parse(foreign.messages.find((x) => x.event === 'resync')?.data ?? '{}')).toEqual({
      reason: 'unknown-id',
    });
    foreign.close();

    const old = `${events.hub.epoch}-1`; // the ring keeps 5 events; many more have passed
    await publish(status(6), status(7), status(8), status(9), status(10), status(11));
    const stale = openSse(server.url('/events?topics=/things&as=member'), { 'Last-Event-ID': old });
    await stale.waitFor((m) => m.some((x) => x.event === 'resync'));
    expect(JSON.parse(stale.messages.find((x) => x.event === 'resync')?.data ?? '{}')).toEqual({
      reason: 'too-old',
    });
    expect(stale.events()).toEqual([]);
    stale.close();
  });

  it('detaches a client when it disconnects, and close() ends the open streams', async () => {
    await waitUntil(() => events.hub.clientCount === 0, 2_000, 'earlier clients gone');
    const clients = [1, 2, 3].map(() => openSse(server.url('/events?topics=/jobs&as=member')));
    await Promise.all(clients.map((c) => c.response));
    await waitUntil(() => events.hub.clientCount === 3, 2_000, 'three clients');
    clients[0]?.close();
    await waitUntil(() => events.hub.clientCount === 2, 2_000, 'one client gone');

    const local = new EventBroker();
    const closing = sseHandler(local, { authorize: () => TEST_LEVELS.member, policy: TEST_POLICY });
    const other = await listen((req, res) => void closing(req as express.Request, res));
    const streaming = openSse(other.url('/events?topics=/jobs'));
    await streaming.response;
    await closing.close();
    await streaming.ended; // the server ended the stream
    local.publish(started('after-close'));
    await local.flush(500);
    expect(local.stats()).toEqual([]);
    await local.close(100);
    await other.close();
    for (const c of clients) c.close();
  });
});

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
