/**
 * Live updates: GET /events (Server-Sent Events over the broker) with the viewer's level from the
 * session, the app's topic and field policies, bur.* events on /burs/:id, /assets/live.js and the fragments it fetches, and close().
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, EventBroker } from '../../app/framework/index';
import { burStatus, burProgress } from '../../app/events/index';
import { createLiveEvents, type LiveEvents } from '../../app/web/live/index';
import { JOB_IDS, seedJobs } from './jobs-fixture';
import { openStream as openSseStream, signInCookie as signInAs } from './sse-client';
import { createUser, useWebApp } from './support';

const broker = new EventBroker();
let live: LiveEvents;
let server: Server;
let base = '';

const openStream = (topics: string, cookie = '') => openSseStream(base, topics, cookie);
const signInCookie = (name: string, password: string) => signInAs(base, name, password);

const jobEvent = (type: 'job.enqueued' | 'job.completed', jobId: string, jobClass = 'PingJob') =>
  type === 'job.enqueued'
    ? createEvent('job.enqueued', {
        jobId,
        jobClass,
        queue: 'default',
        attempt: 0,
        arguments: ['hello', { token: '[FILTERED]' }],
      })
    : createEvent('job.completed', { jobId, jobClass, queue: 'bulk_update', attempt: 1, durationMs: 5 });

describe('live updates over Server-Sent Events', () => {
  // The app is built in useWebApp's beforeAll, before `live` exists: hand it a forwarder.
  const lazyLive: LiveEvents = {
    handler: (req, res, next) => live.handler(req, res, next),
    get clientCount() {
      return live.clientCount;
    },
    close: () => live.close(),
  };
  const web = useWebApp({ live: lazyLive }, 'web-live', { truncate: 'once' });
  const cookies: Record<'member' | 'moderator' | 'admin', string> = { member: '', moderator: '', admin: '' };

  beforeAll(async () => {
    live = createLiveEvents({ broker, heartbeatMs: 60_000 });
    server = createServer(web().app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const level of ['member', 'moderator', 'admin'] as const) {
      const user = await createUser(web().db, `live-${level}`, level);
      cookies[level] = await signInCookie(user.name, user.password);
    }
  });
  afterAll(async () => {
    await live.close();
    await new Promise((resolve) => server.close(resolve));
    await broker.close();
  });

  it('lets everyone follow /burs, members /records, moderators /jobs, admins everything else', async () => {
    const cases: Array<[string, string, number]> = [
      ['/burs/1', '', 200],
      ['/lifecycle', '', 200],
      ['/records', '', 403],
      ['/jobs', '', 403],
      ['/records/User/1', cookies.member, 200],
      ['/jobs', cookies.member, 403],
      ['/jobs', cookies.moderator, 200],
      ['/workers', cookies.moderator, 403],
      ['/workers', cookies.admin, 200],
      ['not-a-topic', cookies.admin, 400],
    ];
    for (const [topics, cookie, status] of cases) {
      const { status: got, stream } = await openStream(topics, cookie);
      stream?.close();
      expect(got, `${topics} as ${cookie ? 'user' : 'anonymous'}`).toBe(status);
    }
  });

  it('streams job events to moderators without arguments and to admins with them (secrets already filtered)', async () => {
    const mod = (await openStream('/jobs', cookies.moderator)).stream;
    const admin = (await openStream('/jobs', cookies.admin)).stream;
    if (!mod || !admin) throw new Error('streams did not open');
    await new Promise((r) => setTimeout(r, 50));
    broker.publish(jobEvent('job.enqueued', 'j-1'));
    await mod.waitFor((e) => e.some((x) => x.type === 'job.enqueued'), 'job.enqueued for the moderator');
    await admin.waitFor((e) => e.some((x) => x.type === 'job.enqueued'), 'job.enqueued for the admin');
    expect(mod.events[0]?.data).not.toHaveProperty('arguments');
    expect(admin.events[0]?.data).toMatchObject({ arguments: ['hello', { token: '[FILTERED]' }] });
    expect(mod.text()).toMatch(/^retry: \d+/);
    expect(mod.text()).toMatch(/\nid: [0-9a-f]+-\d+\n/);
    mod.close();
    admin.close();
  });

  it('streams bur.* events on /burs/:id, for anonymous viewers too', async () => {
    const viewer = (await openStream('/burs/5')).stream;
    if (!viewer) throw new Error('stream did not open');
    await new Promise((r) => setTimeout(r, 50));
    broker.publish(createEvent(burStatus, { burId: 5, status: 'processing', jobId: 'bur-job' }));
    broker.publish(
      createEvent(burProgress, {
        burId: 5,
        done: 100,
        total: 250,
        message: 'line 2 of 3 (script line 4)',
      }),
    );
    broker.publish(createEvent(burStatus, { burId: 6, status: 'completed', jobId: 'other' }));
    broker.publish(createEvent(burStatus, { burId: 5, status: 'completed', jobId: 'bur-job' }));
    await viewer.waitFor((e) => e.length >= 3, 'three bur events');
    expect(viewer.events.map((e) => [e.type, e.topic, e.data])).toEqual([
      ['bur.status', '/burs/5', { burId: 5, status: 'processing', jobId: 'bur-job' }],
      [
        'bur.progress',
        '/burs/5',
        { burId: 5, done: 100, total: 250, message: 'line 2 of 3 (script line 4)' },
      ],
      ['bur.status', '/burs/5', { burId: 5, status: 'completed', jobId: 'bur-job' }],
    ]);
    viewer.close();
  });

  it('serves /assets/live.js; pages that follow topics load it, and /admin/jobs/:id/row answers one row (204 off the filters)', async () => {
    const script = await fetch(`${base}/assets/live.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain("new window.EventSource('/events?topics='");

    await seedJobs(web().adapter, web().scope);
    const page = await fetch(`${base}/admin/jobs`, { headers: { cookie: cookies.admin } });
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).toContain('<script src="/assets/live.js" defer></script>');
    expect(html).toContain('<body data-live-topics="/jobs">');
    expect(html).toContain(
      `data-live-topic="/jobs/${JOB_IDS.failed}" data-live-src="/admin/jobs/${JOB_IDS.failed}/row"`,
    );
    expect(html).not.toMatch(/<script>/);

    const row = await fetch(`${base}/admin/jobs/${JOB_IDS.failed}/row`, {
      headers: { cookie: cookies.admin },
    });
    const rowHtml = await row.text();
    expect(rowHtml.startsWith(`<tr data-job-id="${JOB_IDS.failed}"`)).toBe(true);
    expect(rowHtml).toContain(`action="/admin/jobs/${JOB_IDS.failed}/retry"`);
    expect(rowHtml).not.toContain('<script>alert');
    expect(
      (
        await fetch(`${base}/admin/jobs/${JOB_IDS.failed}/row?state=completed`, {
          headers: { cookie: cookies.admin },
        })
      ).status,
    ).toBe(204);
    expect(
      (await fetch(`${base}/admin/jobs/${JOB_IDS.failed}/row`, { headers: { cookie: cookies.member } }))
        .status,
    ).toBe(403);
    const asMod = await (
      await fetch(`${base}/admin/jobs/${JOB_IDS.failed}/row`, { headers: { cookie: cookies.moderator } })
    ).text();
    expect(asMod).not.toContain('/retry');
  });

  it('close() ends every open stream, so server.close() need not wait for them', async () => {
    const a = (await openStream('/burs/1')).stream;
    const b = (await openStream('/jobs', cookies.admin)).stream;
    if (!a || !b) throw new Error('streams did not open');
    await new Promise((r) => setTimeout(r, 50));
    expect(live.clientCount).toBe(2);
    await live.close();
    await Promise.all([a.ended, b.ended]);
    expect(live.clientCount).toBe(0);
  });
});
