import { Worker } from 'bullmq';
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait';
import { createUser, formToken, signIn, useWebApp, type Agent } from './support';

describe('the admin jobs page: pause and resume, bulk actions', () => {
  const web = useWebApp({}, 'web-admin-bulk', { truncate: 'once' });
  let admin: Agent;
  let token: string;
  let moderator: Agent;
  let moderatorToken: string;

  beforeAll(async () => {
    admin = request.agent(web().app);
    token = await signIn(admin, await createUser(web().db, 'root', 'admin'));
    moderator = request.agent(web().app);
    moderatorToken = await signIn(moderator, await createUser(web().db, 'mod', 'moderator'));
  });

  /** Three failed ResizeJobs and two failed PingJobs on default (a real Worker fails them), one waiting. */
  beforeEach(async () => {
    const queue = web().adapter.queue('default');
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.resume();
    const worker = new Worker(
      'default',
      () => {
        throw new Error('boom');
      },
      { connection: web().scope.connection({ worker: true }), prefix: web().scope.prefix },
    );
    try {
      for (let i = 0; i < 3; i++) await queue.add('ResizeJob', { arguments: [i] }, { jobId: `resize-${i}` });
      for (let i = 0; i < 2; i++) await queue.add('PingJob', { arguments: [i] }, { jobId: `ping-${i}` });
      await waitUntil('five failed jobs', async () => (await queue.getFailedCount()) === 5);
    } finally {
      await worker.close();
    }
    await queue.add('PingJob', { arguments: ['later'] }, { jobId: 'ping-waiting' });
  });

  it('pauses and resumes a queue (admins, with CSRF), shown in the Paused column', async () => {
    const page = await admin.get('/admin/jobs').expect(200);
    expect(page.text).toContain('action="/admin/queues/default/pause"');
    expect((await admin.post('/admin/queues/default/pause').type('form').send({})).status).toBe(403);

    const paused = await admin.post('/admin/queues/default/pause').type('form').send({ _csrf: token });
    expect(paused.status).toBe(303);
    expect(await web().adapter.queue('default').isPaused()).toBe(true);
    const after = await admin.get('/admin/jobs').expect(200);
    expect(after.text).toContain('paused: workers take no new jobs');
    expect(after.text).toMatch(
      /data-queue-paused="default"><strong class="state state-paused">paused<\/strong>/,
    );
    expect(after.text).toContain('action="/admin/queues/default/resume"');

    const summary = await admin.get('/admin/jobs/summary').expect(200);
    expect(summary.text).toContain('action="/admin/queues/default/resume"');

    const api = await admin.post('/api/admin/queues/default/resume').set('X-CSRF-Token', token).expect(200);
    expect(api.body).toMatchObject({ queue: 'default', paused: false });
    expect(await web().adapter.queue('default').isPaused()).toBe(false);
    expect((await admin.post('/api/admin/queues/nope/pause').set('X-CSRF-Token', token)).status).toBe(404);
  });

  it('refuses moderators: no pause or bulk controls, 403 on the routes', async () => {
    const page = await moderator.get('/admin/jobs').expect(200);
    expect(page.text).not.toContain('/admin/queues/default/pause');
    expect(page.text).not.toContain('data-bulk=');
    const pause = await moderator
      .post('/admin/queues/default/pause')
      .type('form')
      .send({ _csrf: moderatorToken });
    expect(pause.status).toBe(403);
    expect((await moderator.get('/admin/bulk/retry/confirm?state=failed')).status).toBe(403);
    expect(await web().adapter.queue('default').isPaused()).toBe(false);
  });

  it('retries every failed job of a class after a confirmation saying how many', async () => {
    const queue = web().adapter.queue('default');
    const page = await admin.get('/admin/jobs?state=failed&class=ResizeJob').expect(200);
    expect(page.text).toContain('href="/admin/bulk/retry/confirm?state=failed&amp;class=ResizeJob"');

    const confirm = await admin.get('/admin/bulk/retry/confirm?state=failed&class=ResizeJob').expect(200);
    expect(confirm.text).toContain('<span data-bulk-count>3</span>');
    expect(confirm.text).toContain('matches 3 job(s); retry applies to 3 of them');
    const csrf = formToken(confirm.text);

    const unconfirmed = await admin
      .post('/admin/bulk/retry')
      .type('form')
      .send({ _csrf: csrf, state: 'failed', class: 'ResizeJob' });
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.location).toBe('/admin/bulk/retry/confirm?state=failed&class=ResizeJob');
    expect(await queue.getFailedCount()).toBe(5);

    const done = await admin
      .post('/admin/bulk/retry')
      .type('form')
      .send({ _csrf: csrf, confirmed: 'yes', queue: '', state: 'failed', class: 'ResizeJob' });
    expect(done.status).toBe(303);
    expect(await queue.getFailedCount()).toBe(2);
    for (let i = 0; i < 3; i++) expect(await queue.getJobState(`resize-${i}`)).toBe('waiting');
    expect(await queue.getJobState('ping-0')).toBe('failed');
    expect((await admin.get('/admin/jobs')).text).toContain('3 job(s) retried');
  });

  it('refuses a filter field longer than any name with 422 naming it, not a redirect that carries it', async () => {
    const long = 'x'.repeat(1000);
    for (const field of ['queue', 'state', 'class']) {
      const page = await admin
        .post('/admin/bulk/retry')
        .type('form')
        .send({ _csrf: token, [field]: long });
      expect(page.status).toBe(422);
      expect(page.headers.location).toBeUndefined();
      expect(page.text).toContain(`${field} is at most 200 characters (got 1000)`);
      const api = await admin
        .post('/api/admin/bulk/retry')
        .set('X-CSRF-Token', token)
        .send({ [field]: long, confirmed: true });
      expect([api.status, api.body]).toEqual([
        422,
        {
          error: `${field} is at most 200 characters (got 1000)`,
          fields: { [field]: `${field} is at most 200 characters (got 1000)` },
        },
      ]);
    }
    expect((await admin.get(`/admin/jobs?class=${long}`)).status).toBe(422);
    expect(await web().adapter.queue('default').getFailedCount()).toBe(5);
  });

  it('discards and destroys what a filter matches, through the API only when confirmed', async () => {
    const queue = web().adapter.queue('default');
    const refused = await admin
      .post('/api/admin/bulk/destroy')
      .set('X-CSRF-Token', token)
      .send({ state: 'failed', class: 'PingJob' });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('would touch 2 of 2 matching job(s)');

    const destroyed = await admin
      .post('/api/admin/bulk/destroy')
      .set('X-CSRF-Token', token)
      .send({ state: 'failed', class: 'PingJob', confirmed: true })
      .expect(200);
    expect(destroyed.body).toEqual({ action: 'destroy', done: 2, skipped: 0 });
    expect(await queue.getJob('ping-0')).toBeUndefined();
    expect(await queue.getFailedCount()).toBe(3);

    const discarded = await admin
      .post('/api/admin/bulk/discard')
      .set('X-CSRF-Token', token)
      .send({ state: 'waiting', confirmed: true })
      .expect(200);
    expect(discarded.body).toMatchObject({ done: 1 });
    expect(await queue.getJob('ping-waiting')).toBeUndefined();

    expect((await admin.post('/api/admin/bulk/explode').set('X-CSRF-Token', token)).status).toBe(404);
    const bad = await admin
      .post('/api/admin/bulk/retry')
      .set('X-CSRF-Token', token)
      .send({ state: 'bogus', confirmed: true });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('unknown state');
  });
});
