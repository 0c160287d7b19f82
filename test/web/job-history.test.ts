// The job history pages on the real app (supertest), PostgreSQL and Redis: search with filters and
// arguments (admins), moderators without arguments, the job page's execution timeline (also for
// a job Redis no longer holds), bad input as 422 naming the field, and "retry all failed" of a
// search: admins only, CSRF, a confirmation first.
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertExecutions, type ExecutionRow } from '../../app/db/job-history.repository';
import { dbPool } from '../../app/db/pg-pool';
import { searchTermsOf } from '../../app/services/job-history/search-terms';
import { JOB_IDS, seedJobs } from './jobs-fixture';
import { apiToken, createUser, formToken, signIn, useWebApp, type Agent } from './support';

const NOW = Date.now();

function row(
  jobId: string,
  attempt: number,
  overrides: Partial<ExecutionRow> = {},
  args?: unknown[],
): ExecutionRow {
  return {
    jobId,
    jobClass: 'ResizeJob',
    queue: 'default',
    state: 'completed',
    attempt,
    arguments: args ?? null,
    searchTerms: args ? searchTermsOf(args) : [],
    errorClass: null,
    errorMessage: null,
    enqueuedAt: NOW - 60_000,
    startedAt: NOW - 50_000 + attempt * 1000,
    finishedAt: NOW - 49_000 + attempt * 1000,
    durationMs: 1000,
    workerHost: 'worker-host',
    workerPid: 4242,
    ...overrides,
  };
}

describe('job history pages', () => {
  const web = useWebApp({}, 'web-job-history', { truncate: 'once' });
  let admin: Agent;
  let moderator: Agent;

  beforeAll(async () => {
    admin = request.agent(web().app);
    await signIn(admin, await createUser(web().db, 'root', 'admin'));
    moderator = request.agent(web().app);
    await signIn(moderator, await createUser(web().db, 'mod', 'moderator'));
    await seedJobs(web().adapter, web().scope);
    await insertExecutions(dbPool(), [
      row(
        'gone-1',
        1,
        { state: 'retry', errorClass: 'TimeoutError', errorMessage: '<script>alert(1)</script>' },
        [{ post: 123, token: '[FILTERED]' }],
      ),
      row('gone-1', 2, { state: 'failed', errorClass: 'TimeoutError', errorMessage: 'slow' }, [
        { post: 123, token: '[FILTERED]' },
      ]),
      row(JOB_IDS.failed, 1, { state: 'failed', errorClass: 'Error', errorMessage: 'boom' }),
      row('other-1', 1, { jobClass: 'MailDeliveryJob', queue: 'mail' }, ['hello']),
    ]);
  });

  it('finds executions by argument for admins, with their arguments', async () => {
    const res = await admin.get('/admin/jobs/history?args=post%3D123').expect(200);
    expect(res.text).toContain('Finished executions (2)');
    expect(res.text).toContain('href="/admin/jobs/gone-1"');
    expect(res.text).not.toContain('other-1');
    expect(res.text).toContain('<span class="arg-key">post</span> <code>123</code>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>alert(1)');
    const api = await admin.get('/api/admin/jobs/history?jobClass=ResizeJob&state=failed').expect(200);
    expect((api.body.executions as Array<{ jobId: string }>).map((e) => e.jobId).sort()).toEqual(
      [JOB_IDS.failed, 'gone-1'].sort(),
    );
  });

  it('lists live Redis jobs above the executions, filtered by state', async () => {
    const res = await admin.get('/admin/jobs/history?state=delayed').expect(200);
    expect(res.text).toContain('Live in Redis (1)');
    expect(res.text).toContain(`href="/admin/jobs/${JOB_IDS.delayed}"`);
  });

  it('shows moderators no arguments and refuses them argument search', async () => {
    const res = await moderator.get('/admin/jobs/history').expect(200);
    expect(res.text).toContain('gone-1');
    expect(res.text).not.toContain('class="args"');
    expect(res.text).not.toContain('class="arg-key"');
    expect(res.text).not.toContain('name="args"');
    const refused = await moderator.get('/api/admin/jobs/history?args=post%3D123').expect(422);
    expect(JSON.stringify(refused.body)).toContain('searching by arguments is for admins');
    const api = await moderator.get('/api/admin/jobs/history?jobId=gone-1').expect(200);
    expect(api.body.executions[0]).not.toHaveProperty('arguments');
  });

  it('answers bad filters with 422 naming the field', async () => {
    const res = await admin.get('/api/admin/jobs/history?from=soon').expect(422);
    expect(JSON.stringify(res.body)).toContain('from: \\"soon\\" is not a time');
    const page = await admin.get('/admin/jobs/history?queue=nope');
    expect(page.status).toBe(422);
    expect(page.text).toContain('unknown queue');
  });

  it('shows a job’s executions on its page, and a job Redis let go from history alone', async () => {
    const live = await admin.get(`/admin/jobs/${JOB_IDS.failed}`).expect(200);
    expect(live.text).toContain('<h2>Executions</h2>');
    expect(live.text).toContain('worker-host:4242');
    const gone = await moderator.get('/admin/jobs/gone-1').expect(200);
    expect(gone.text).toContain('Redis no longer holds this job');
    expect(gone.text).toMatch(/Attempt 1[\s\S]*retry[\s\S]*Attempt 2[\s\S]*failed/);
    expect(gone.text).toContain('Arguments are visible to admins only.');
    await admin.get('/admin/jobs/never-was').expect(404);
  });

  it('retries a search’s failed jobs for admins only, with CSRF and after a confirmation', async () => {
    const modPage = await moderator.get('/admin/jobs/history?state=failed').expect(200);
    expect(modPage.text).not.toContain('data-bulk="history-retry"');
    expect((await moderator.get('/admin/jobs/history/retry/confirm?state=failed')).status).toBe(403);
    const modPost = await moderator
      .post('/admin/jobs/history/retry')
      .type('form')
      .send({ _csrf: formToken(modPage.text), confirmed: 'yes', state: 'failed' });
    expect(modPost.status).toBe(403);

    const page = await admin.get('/admin/jobs/history?state=failed&jobId=gone-1').expect(200);
    expect(page.text).toContain('href="/admin/jobs/history/retry/confirm?state=failed&amp;jobId=gone-1"');
    expect((await admin.get('/admin/jobs/history?state=completed')).text).not.toContain('history-retry');
    const confirm = await admin
      .get('/admin/jobs/history/retry/confirm?state=failed&jobId=gone-1')
      .expect(200);
    // gone-1's latest attempt failed and Redis let it go, but this app knows no ResizeJob class.
    expect(confirm.text).toContain('<span data-retry-count>0</span>');
    expect(confirm.text).toContain('<span data-retry-matched>1</span>');
    expect(confirm.text).toContain('(class ResizeJob is not known to this process)');
    expect((await admin.get('/admin/jobs/history/retry/confirm?state=completed')).status).toBe(422);

    const noCsrf = await admin.post('/admin/jobs/history/retry').type('form').send({ confirmed: 'yes' });
    expect(noCsrf.status).toBe(403);
    const unconfirmed = await admin
      .post('/admin/jobs/history/retry')
      .type('form')
      .send({ _csrf: formToken(confirm.text), state: 'failed', jobId: 'gone-1' });
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.location).toBe('/admin/jobs/history/retry/confirm?state=failed&jobId=gone-1');
    const spaced = await admin
      .post('/admin/jobs/history/retry')
      .type('form')
      .send({ _csrf: formToken(confirm.text), state: 'failed', args: `post=1${' '.repeat(5000)}user=2` });
    expect(spaced.status).toBe(303);
    expect(spaced.headers.location).toBe(
      '/admin/jobs/history/retry/confirm?state=failed&args=post%3D1+user%3D2',
    );
    const done = await admin
      .post('/admin/jobs/history/retry')
      .type('form')
      .send({ _csrf: formToken(confirm.text), confirmed: 'yes', state: 'failed', jobId: 'gone-1' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/admin/jobs/history?state=failed&jobId=gone-1');
    expect((await admin.get(done.headers.location as string)).text).toContain(
      '0 failed job(s) retried in place, 0 enqueued again as new jobs, 1 could not be run again',
    );

    const token = await apiToken(admin);
    const refused = await admin
      .post('/api/admin/jobs/history/retry')
      .set('X-CSRF-Token', token)
      .send({ state: 'failed', jobId: 'gone-1' });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('of 1 matching failed job(s)');
    const api = await admin
      .post('/api/admin/jobs/history/retry')
      .set('X-CSRF-Token', token)
      .send({ state: 'failed', jobId: 'gone-1', confirmed: true })
      .expect(200);
    expect(api.body).toMatchObject({ retried: 0, enqueued: [], unretriable: [{ id: 'gone-1' }] });
  });
});
