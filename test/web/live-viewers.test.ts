/**
 * Live streams follow their viewers: GET /events streams are re-checked against the users table
 * while open, so a demoted admin stops receiving job arguments and a deleted account stops
 * receiving anything; and one client IP may hold only so many streams open (429 beyond).
 * A real server, a real SSE client (fetch), real PostgreSQL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, EventBroker } from '../../app/framework/index';
import { burStatus } from '../../app/events/index';
import { createLiveEvents, type LiveEvents } from '../../app/web/live/index';
import { storedViewerLevels } from '../../app/web/live/viewers';
import { openStream, signInCookie, type Stream } from './sse-client';
import { createUser, useWebApp } from './support';

const broker = new EventBroker();
let live: LiveEvents;
let server: Server;
let base = '';

const enqueued = (jobId: string) =>
  createEvent('job.enqueued', {
    jobId,
    jobClass: 'PingJob',
    queue: 'default',
    attempt: 0,
    arguments: ['secret-arg'],
  });

function lastEventId(stream: Stream): string {
  return [...stream.text().matchAll(/^id: (\S+)$/gm)].at(-1)?.[1] ?? '';
}

async function open(topics: string, cookie = '', headers: Record<string, string> = {}): Promise<Stream> {
  const { status, stream } = await openStream(base, topics, cookie, headers);
  if (!stream) throw new Error(`stream ${topics} refused with ${status}`);
  return stream; // attached: the hub adds a stream before its response headers go out
}

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('live streams follow their viewers', () => {
  const lazyLive: LiveEvents = {
    handler: (req, res, next) => live.handler(req, res, next),
    get clientCount() {
      return live.clientCount;
    },
    close: () => live.close(),
  };
  const web = useWebApp({ live: lazyLive, trustProxy: 'loopback' }, 'web-live-viewers');

  beforeAll(async () => {
    live = createLiveEvents({
      broker,
      viewers: storedViewerLevels(web().db),
      recheckMs: 50,
      maxStreamsPerIp: 2,
    });
    server = createServer(web().app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await live.close();
    await new Promise((resolve) => server.close(resolve));
    await broker.close();
  });

  it("ends a demoted admin's stream: back as a moderator without job arguments, as a member refused", async () => {
    const user = await createUser(web().db, 'ada', 'admin');
    const cookie = await signInCookie(base, user.name, user.password);
    const admin = await open('/jobs', cookie);
    broker.publish(enqueued('j-1'));
    await admin.waitFor((e) => e.length === 1, 'the first job event');
    expect(admin.events[0]?.data).toMatchObject({ arguments: ['secret-arg'] });

    await web().db.user.update({ where: { id: user.id }, data: { level: 'moderator' } });
    await admin.ended;
    broker.publish(enqueued('j-2'));
    const moderator = await openStream(base, '/jobs', cookie, { 'Last-Event-ID': lastEventId(admin) });
    expect(moderator.status).toBe(200);
    await moderator.stream?.waitFor((e) => e.length === 1, 'the missed job event');
    expect(moderator.stream?.events[0]?.data).toEqual({
      jobId: 'j-2',
      jobClass: 'PingJob',
      queue: 'default',
      attempt: 0,
    });
    expect(moderator.stream?.text()).not.toContain('secret-arg');

    await web().db.user.update({ where: { id: user.id }, data: { level: 'member' } });
    await moderator.stream?.ended;
    expect((await openStream(base, '/jobs', cookie)).status).toBe(403);
  });

  it("ends a deleted account's stream, and the account's cookie no longer opens one", async () => {
    const user = await createUser(web().db, 'mod', 'moderator');
    const cookie = await signInCookie(base, user.name, user.password);
    const stream = await open('/jobs', cookie);
    const bystander = await open('/burs/1');
    await web().db.user.update({ where: { id: user.id }, data: { deletionRequestedAt: new Date() } });
    await stream.ended;
    expect((await openStream(base, '/jobs', cookie)).status).toBe(403);

    broker.publish(createEvent(burStatus, { burId: 1, status: 'processing', jobId: 'b' }));
    await bystander.waitFor((e) => e.length === 1, 'the anonymous stream to go on');
    bystander.close();
  });

  it('refuses a third stream from one client IP with 429 and Retry-After; another IP still connects', async () => {
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    const first = await open('/burs/1', '', from('203.0.113.7'));
    const second = await open('/burs/1', '', from('203.0.113.7'));
    const third = await openStream(base, '/burs/1', '', from('203.0.113.7'));
    expect(third.status).toBe(429);
    expect(third.response.headers.get('retry-after')).toBe('10');
    expect(await third.response.json()).toEqual({
      error: 'too many event streams from your address (at most 2)',
    });
    const other = await open('/burs/1', '', from('203.0.113.8'));

    first.close();
    await waitUntil(() => live.clientCount === 2, 'the first stream to be gone');
    const again = await open('/burs/1', '', from('203.0.113.7'));
    for (const s of [second, other, again]) s.close();
  });
});
