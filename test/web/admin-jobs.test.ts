import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EVIL_ARGUMENT, EVIL_ERROR, EVIL_NAME, JOB_IDS, seedJobs } from './jobs-fixture';
import { createUser, formToken, signIn, useWebApp, type Agent } from './support';

function expectNoRawMarkup(text: string): void {
  for (const evil of [
    EVIL_NAME,
    EVIL_ARGUMENT,
    EVIL_ERROR,
    '<script>alert',
    '<img src=x',
    '<b onmouseover',
  ]) {
    expect(text).not.toContain(evil);
  }
}

describe('the admin jobs page', () => {
  const web = useWebApp({}, 'web-admin-jobs', { truncate: 'once' });
  let admin: Agent;
  let token: string;
  let moderator: Agent;

  beforeAll(async () => {
    admin = request.agent(web().app);
    token = await signIn(admin, await createUser(web().db, 'root', 'admin'));
    moderator = request.agent(web().app);
    await signIn(moderator, await createUser(web().db, 'mod', 'moderator'));
  });
  beforeEach(() => seedJobs(web().adapter, web().scope));

  it('lists recent jobs across queues with class, queue, state, attempts and timings', async () => {
    const res = await admin.get('/admin/jobs').expect(200);
    const row = (id: string) =>
      new RegExp(`<tr data-job-id="${id}"[^>]*>([\\s\\S]*?)</tr>`).exec(res.text)?.[1] ?? '';

    expect(row(JOB_IDS.completed)).toContain(
      '<td data-label="Class" class="job-class">PingJob</td><td data-label="Queue">default</td>',
    );
    expect(row(JOB_IDS.completed)).toContain('state-completed');
    expect(row(JOB_IDS.completed)).toMatch(/<td data-label="Attempt" class="num">1\/1<\/td>/);
    expect(row(JOB_IDS.completed)).toMatch(/<td data-label="Duration" class="num">\d+ ms<\/td>/);
    expect(row(JOB_IDS.failed)).toContain('state-failed');
    expect(row(JOB_IDS.delayed)).toContain('state-delayed');
    expect(row(JOB_IDS.waiting)).toContain(
      '<td data-label="Class" class="job-class">BulkJob</td><td data-label="Queue">bulk_update</td>',
    );
    expect(res.text).toMatch(/<th>default<\/th>|<a href="\/admin\/jobs\?queue=default">default<\/a>/);
  });

  it('filters by queue and state, and rejects an unknown state with 422', async () => {
    const failed = await admin.get('/admin/jobs?state=failed').expect(200);
    expect(failed.text).toContain(`data-job-id="${JOB_IDS.failed}"`);
    expect(failed.text).not.toContain(`data-job-id="${JOB_IDS.completed}"`);
    const bulk = await admin.get('/admin/jobs?queue=bulk_update').expect(200);
    expect(bulk.text).toContain(`data-job-id="${JOB_IDS.waiting}"`);
    expect(bulk.text).not.toContain(`data-job-id="${JOB_IDS.delayed}"`);
    expect((await admin.get('/admin/jobs?state=bogus')).status).toBe(422);
    const api = await admin.get('/api/admin/jobs?state=delayed').expect(200);
    expect((api.body.jobs as Array<{ id: string }>).map((j) => j.id)).toEqual([JOB_IDS.delayed]);
  });

  it('shows job names, arguments and errors containing HTML and script escaped, for admins and moderators', async () => {
    for (const agent of [admin, moderator]) {
      const list = await agent.get('/admin/jobs').expect(200);
      expectNoRawMarkup(list.text);
      expect(list.text).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
      expect(list.text).toContain('&lt;b onmouseover=alert(&quot;error&quot;)&gt;boom&lt;/b&gt;');
      const detail = await agent.get(`/admin/jobs/${JOB_IDS.failed}`).expect(200);
      expectNoRawMarkup(detail.text);
      expect(detail.headers['content-security-policy']).toContain("script-src 'self'");
    }
    const detail = await admin.get(`/admin/jobs/${JOB_IDS.failed}`);
    expect(detail.text).toContain('&lt;img src=x onerror=alert(\\&quot;arg\\&quot;)&gt;');
    const waiting = await admin.get(`/admin/jobs/${JOB_IDS.waiting}`);
    expectNoRawMarkup(waiting.text);
  });

  it('shows arguments to admins only', async () => {
    expect((await admin.get(`/admin/jobs/${JOB_IDS.completed}`)).text).toMatch(
      /<pre class="arguments">[\s\S]*hello/,
    );
    const asModerator = await moderator.get(`/admin/jobs/${JOB_IDS.completed}`);
    expect(asModerator.text).toContain('Arguments are visible to admins only.');
    expect(asModerator.text).not.toContain('hello');
  });

  it('retries a failed job from its own page and comes back to that page, saying so', async () => {
    const page = await admin.get(`/admin/jobs/${JOB_IDS.failed}`).expect(200);
    expect(page.text).toMatch(
      new RegExp(
        `action="/admin/jobs/${JOB_IDS.failed}/retry"[^]*?<input type="hidden" name="back" value="job">`,
      ),
    );
    const retried = await admin
      .post(`/admin/jobs/${JOB_IDS.failed}/retry`)
      .type('form')
      .send({ _csrf: formToken(page.text), back: 'job' })
      .expect(303);
    expect(retried.headers.location).toBe(`/admin/jobs/${JOB_IDS.failed}`);
    expect((await admin.get(`/admin/jobs/${JOB_IDS.failed}`)).text).toContain('will be retried');
  });

  it('retries a failed job and runs a delayed one now, then says so', async () => {
    const queue = web().adapter.queue('default');
    const list = await admin.get('/admin/jobs');
    expect(list.text).toContain(`action="/admin/jobs/${JOB_IDS.failed}/retry"`);
    expect(list.text).toContain(`action="/admin/jobs/${JOB_IDS.delayed}/run-now"`);

    const retried = await admin
      .post(`/admin/jobs/${JOB_IDS.failed}/retry`)
      .type('form')
      .send({ _csrf: token });
    expect(retried.status).toBe(303);
    expect(retried.headers.location).toBe('/admin/jobs');
    expect(await queue.getJobState(JOB_IDS.failed)).toBe('waiting');
    expect((await admin.get('/admin/jobs')).text).toContain('will be retried');

    await admin
      .post(`/admin/jobs/${JOB_IDS.delayed}/run-now`)
      .type('form')
      .send({ _csrf: token })
      .expect(303);
    expect(await queue.getJobState(JOB_IDS.delayed)).toBe('waiting');
  });

  it('refuses an action that does not fit the job state with 409', async () => {
    const res = await admin.post(`/api/admin/jobs/${JOB_IDS.completed}/retry`).set('X-CSRF-Token', token);
    expect(res.status).toBe(409);
    expect(res.body.error).toContain('completed');
    expect((await admin.post('/api/admin/jobs/no-such-job/retry').set('X-CSRF-Token', token)).status).toBe(
      404,
    );
    expect(
      (await admin.post(`/api/admin/jobs/${JOB_IDS.failed}/explode`).set('X-CSRF-Token', token)).status,
    ).toBe(404);
  });

  it('asks for confirmation before cancel and destroy: a link to an overlay, whose form posts confirmed=yes', async () => {
    const queue = web().adapter.queue('default');
    const list = await admin.get('/admin/jobs');
    expect(list.text).toContain(`href="/admin/jobs/${JOB_IDS.delayed}/cancel/confirm"`);
    expect(list.text).toContain(`href="/admin/jobs/${JOB_IDS.completed}/destroy/confirm"`);
    expect(list.text).not.toContain(`action="/admin/jobs/${JOB_IDS.completed}/destroy"`);

    const unconfirmed = await admin
      .post(`/admin/jobs/${JOB_IDS.completed}/destroy`)
      .type('form')
      .send({ _csrf: token });
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.location).toBe(`/admin/jobs/${JOB_IDS.completed}/destroy/confirm`);
    expect(await queue.getJobState(JOB_IDS.completed)).toBe('completed');

    const overlay = await admin.get(`/admin/jobs/${JOB_IDS.completed}/destroy/confirm`).expect(200);
    expect(overlay.text).toContain('class="overlay" role="dialog"');
    expect(overlay.text).toContain('Destroy job job-completed?');
    expect(overlay.text).toContain(`action="/admin/jobs/${JOB_IDS.completed}/destroy"`);
    expect(overlay.text).toContain('name="confirmed" value="yes"');

    await admin
      .post(`/admin/jobs/${JOB_IDS.completed}/destroy`)
      .type('form')
      .send({ _csrf: formToken(overlay.text), confirmed: 'yes' })
      .expect(303);
    expect(await queue.getJob(JOB_IDS.completed)).toBeUndefined();
    expect((await admin.get('/admin/jobs')).text).toContain(`Job ${JOB_IDS.completed} (PingJob) destroyed`);
  });

  it('cancels a waiting job once confirmed; the JSON API needs {"confirmed": true}', async () => {
    const bulk = web().adapter.queue('bulk_update');
    const refused = await admin
      .post(`/api/admin/jobs/${JOB_IDS.waiting}/cancel`)
      .set('X-CSRF-Token', token)
      .send({});
    expect(refused.status).toBe(422);
    expect(refused.body.fields.confirmed).toContain('"confirmed": true');
    expect(await bulk.getJobState(JOB_IDS.waiting)).toBe('waiting');

    const done = await admin
      .post(`/api/admin/jobs/${JOB_IDS.waiting}/cancel`)
      .set('X-CSRF-Token', token)
      .send({ confirmed: true });
    expect(done.status).toBe(200);
    expect(done.body.message).toContain('removed from its queue');
    expect(await bulk.getJob(JOB_IDS.waiting)).toBeUndefined();
  });

  it('lists and shows a job whose stored data is not JSON as malformed, and cancels or destroys it', async () => {
    const queue = web().adapter.queue('default');
    const { redis, scope } = web();
    for (const id of ['job-malformed-1', 'job-malformed-2']) {
      await queue.add('PingJob', { arguments: [] }, { jobId: id, delay: 3_600_000 });
      await redis.hset(`${scope.prefix}:default:${id}`, 'data', '{not json');
    }

    const list = await admin.get('/admin/jobs').expect(200);
    const row = new RegExp(`<tr data-job-id="job-malformed-1"[^>]*>([\\s\\S]*?)</tr>`).exec(list.text)?.[1];
    expect(row).toContain('malformed job data: ');
    expect(list.text).toContain(`data-job-id="${JOB_IDS.completed}"`); // the rest of the queue still lists
    const detail = await admin.get('/admin/jobs/job-malformed-1').expect(200);
    expect(detail.text).toMatch(/<h2>Error<\/h2><pre>malformed job data: /);
    const api = await admin.get('/api/admin/jobs/job-malformed-1').expect(200);
    expect(api.body).toMatchObject({ id: 'job-malformed-1', state: 'delayed' });
    expect(JSON.stringify(api.body)).toContain('malformed job data: ');

    const canceled = await admin
      .post('/api/admin/jobs/job-malformed-1/cancel')
      .set('X-CSRF-Token', token)
      .send({ confirmed: true })
      .expect(200);
    expect(canceled.body.message).toContain('removed from its queue');
    const destroyed = await admin
      .post('/api/admin/jobs/job-malformed-2/destroy')
      .set('X-CSRF-Token', token)
      .send({ confirmed: true })
      .expect(200);
    expect(destroyed.body.message).toContain('destroyed');
    expect(
      await redis.exists(
        `${scope.prefix}:default:job-malformed-1`,
        `${scope.prefix}:default:job-malformed-2`,
      ),
    ).toBe(0);
  });

  it('draws a throughput chart per queue from BullMQ metrics as inline SVG', async () => {
    const res = await admin.get('/admin/jobs').expect(200);
    const chart = /<figure class="chart" data-queue="default">([\s\S]*?)<\/figure>/.exec(res.text)?.[1] ?? '';
    expect(chart).toContain('<svg');
    expect(chart).toContain('1 completed and 1 failed in the last 3 h');
    expect(chart).toMatch(/<path d="M[\d.,]+( L[\d.,]+){179}"/);
    expect(res.text).toContain('data-queue="bulk_update"');
    // axes: y labels 0 and the peak, x labels as UTC times, 3 h back to now
    expect(chart).toMatch(/<text x="39" y="[\d.]+" text-anchor="end"[^>]*>0<\/text>/);
    const labels = [...chart.matchAll(/<text class="x-label"[^>]*>(\d\d:\d\d)<\/text>/g)].map((m) => m[1]);
    // every 30 min over 3 h, on round times
    expect(labels.length).toBeGreaterThanOrEqual(5);
    expect(labels.length).toBeLessThanOrEqual(7);
    expect(labels.every((l) => /:(00|30)$/.test(l ?? ''))).toBe(true);

    const latency = /<figure class="chart latency" data-latency-queue="default">([\s\S]*?)<\/figure>/.exec(
      res.text,
    )?.[1];
    expect(latency).toContain('enqueue to start');
    expect(latency).toMatch(/from the 2 most recent finished jobs/);
    expect(latency).toMatch(/<path d="M[\d.,]+"[^>]*><title>p50<\/title><\/path><circle /);

    const api = await admin.get('/api/admin/queues?hours=1').expect(200);
    const defaultQueue = (
      api.body.queues as Array<{ queue: string; throughput: { completed: number[]; failed: number[] } }>
    ).find((q) => q.queue === 'default');
    expect(defaultQueue?.throughput.completed).toHaveLength(60);
    expect(defaultQueue?.throughput.completed.reduce((a, b) => a + b, 0)).toBe(1);
    expect(defaultQueue?.throughput.failed.reduce((a, b) => a + b, 0)).toBe(1);
    const apiLatency = (
      api.body.queues as Array<{ queue: string; latency: { sampled: number; p95: unknown[] } }>
    ).find((q) => q.queue === 'default')?.latency;
    expect(apiLatency?.sampled).toBe(2);
    expect(apiLatency?.p95).toHaveLength(12);
  });

  it('serves the counts and charts alone at /admin/jobs/summary, which the page follows on every job event', async () => {
    const page = await moderator.get('/admin/jobs?hours=2').expect(200);
    expect(page.text).toContain(
      '<section class="queue-summary" data-live-topic="/jobs#summary" data-live-follow="/jobs" data-live-every="2000" data-live-src="/admin/jobs/summary?hours=2">',
    );

    const fragment = await moderator.get('/admin/jobs/summary?hours=2').expect(200);
    expect(fragment.headers['content-type']).toMatch(/^text\/html/);
    expect(fragment.text.trim()).toMatch(/^<section class="queue-summary"/);
    expect(fragment.text).toContain('<td class="num" data-queue-state="default:failed">1</td>');
    expect(fragment.text).toContain('<td class="num" data-queue-state="bulk_update:waiting">1</td>');
    expect(fragment.text).toContain('1 completed and 1 failed in the last 2 h');
    expect(fragment.text).not.toContain('<html');
  });

  it('shows how many jobs committed in transactions wait in the outbox for the relay', async () => {
    await web().db.$executeRawUnsafe(
      `INSERT INTO job_outbox (job_id, queue, name, data, opts, created_at) VALUES ('outbox-web-1', 'default', 'PingJob', '{}', '{}', now() - interval '5 seconds'), ('outbox-web-2', 'default', 'PingJob', '{}', '{}', now())`,
    );
    const fragment = await moderator.get('/admin/jobs/summary').expect(200);
    expect(fragment.text).toContain('Outbox: <span class="num" data-outbox-waiting>2</span> job(s)');
    const api = await admin.get('/api/admin/queues').expect(200);
    expect(api.body.outbox).toEqual({ waiting: 2 });
  });
});
