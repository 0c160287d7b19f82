/**
 * /admin/jobs/batches/:id and its /api twin: a batch's counts and callbacks for moderators, HTML
 * in a description escaped, 404 naming an unknown or malformed id, 403 for members.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Batch, batchKeyPattern, configureBacklot, recordBatchOutcome } from '../../app/framework/index';
import { QUEUE_NAMES } from '../../config/queues';
import { PingJob } from '../../jobs/ping.job';
import { createUser, signIn, useWebApp, type Agent } from './support';

describe('the admin batch page', () => {
  const web = useWebApp({}, 'web-admin-batches', { truncate: 'once' });
  let moderator: Agent;
  let member: Agent;
  let batch: Batch;

  beforeAll(async () => {
    moderator = request.agent(web().app);
    await signIn(moderator, await createUser(web().db, 'mod', 'moderator'));
    member = request.agent(web().app);
    await signIn(member, await createUser(web().db, 'someone', 'member'));
    configureBacklot({ adapter: web().adapter, queues: QUEUE_NAMES });
    batch = Batch.create({
      description: '<script>alert(1)</script> pings',
      onSuccess: PingJob.build('done'),
    });
    const jobs = [PingJob.build('a'), PingJob.build('b')];
    await batch.add(jobs);
    await recordBatchOutcome(jobs[0] as PingJob, {
      status: 'failed',
      error: new Error('x'),
      exhausted: true,
    });
  });
  afterAll(async () => {
    const keys = await web().redis.keys(batchKeyPattern(web().scope.prefix));
    if (keys.length > 0) await web().redis.unlink(...keys);
  });

  it('shows counts and callbacks, escaping the description', async () => {
    const res = await moderator.get(`/admin/jobs/batches/${batch.id}`).expect(200);
    expect(res.text).toContain(`<code>${batch.id}</code>`);
    expect(res.text).toContain('<dd class="batch-total">2</dd>');
    expect(res.text).toContain('<dd class="batch-pending">1</dd>');
    expect(res.text).toContain('<dd class="batch-failed">1</dd>');
    expect(res.text).toContain('<dt>onSuccess</dt><dd class="callback-waiting">waiting</dd>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; pings');
    expect(res.text).not.toContain('<script>alert(1)</script>');

    const api = await moderator.get(`/api/admin/jobs/batches/${batch.id}`).expect(200);
    expect(api.body).toMatchObject({
      id: batch.id,
      total: 2,
      pending: 1,
      succeeded: 0,
      failed: 1,
      discarded: 0,
    });
  });

  it('answers 404 naming an unknown or malformed id, and 403 to members', async () => {
    const unknown = await moderator.get('/api/admin/jobs/batches/batch-000000000000000000000000').expect(404);
    expect(JSON.stringify(unknown.body)).toContain('no batch batch-000000000000000000000000');
    const malformed = await moderator.get('/admin/jobs/batches/nope').expect(404);
    expect(malformed.text).toContain('no batch &quot;nope&quot;');
    await member.get(`/admin/jobs/batches/${batch.id}`).expect(403);
  });
});
