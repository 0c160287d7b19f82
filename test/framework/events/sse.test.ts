/**
 * sseHandler streaming over a real HTTP server: headers and heartbeats, topics and what lies below
 * them, fields and topics by level (the test policy), Last-Event-ID resumes and resyncs, detach and
 * close(). Its limits and re-checks are sse-limits.test.ts.
 */
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
