/**
 * Bulk update request pages and JSON API: create and edit with each bad line's number, text and
 * reason beside the script, the show page with per-line status and the progress section,
 * approve (enqueues the job and returns) and reject, and who may do what.
 */
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { configureBacklot, TestAdapter } from '../../app/framework/index';
import { QUEUE_NAMES } from '../../config/queues';
import { createPostsWithTags } from '../services/bulk-update-request/processing-support';
import { createUser, formToken, signIn, useWebApp, type Agent } from './support';

const BAD_SCRIPT = 'alias long_hair -> very_long_hair\nfrobnicate <b>x</b>\nunalias q -> r';
const GOOD_SCRIPT = 'alias long_hair -> very_long_hair\nimply very_long_hair -> hair';

describe('bulk update request pages', () => {
  const web = useWebApp({}, 'web-burs');
  let queue: TestAdapter;
  let member: Agent;
  let memberToken: string;
  let admin: Agent;
  let adminToken: string;

  beforeEach(async () => {
    queue = new TestAdapter();
    configureBacklot({ adapter: queue, queues: QUEUE_NAMES });
    await createPostsWithTags(web().db, [['long_hair'], ['long_hair', 'smile']]);
    member = request.agent(web().app);
    memberToken = await signIn(member, await createUser(web().db, 'author', 'member'));
    admin = request.agent(web().app);
    adminToken = await signIn(admin, await createUser(web().db, 'boss', 'admin'));
  });

  async function create(script: string, title = 'Hair'): Promise<{ id: number; location: string }> {
    const form = await member.get('/bulk_update_requests/new').expect(200);
    const res = await member
      .post('/bulk_update_requests')
      .type('form')
      .send({ _csrf: formToken(form.text), title, script, reason: 'tidy' })
      .expect(303);
    const location = String(res.headers.location);
    const id = Number(/\/bulk_update_requests\/(\d+)/.exec(location)?.[1]);
    return { id, location };
  }

  it('stores a script with bad lines and lists each bad line with its number, text and reason beside the script', async () => {
    const { id, location } = await create(BAD_SCRIPT);
    expect(location).toBe(`/bulk_update_requests/${id}/edit`);
    const edit = await member.get(location).expect(200);
    expect(edit.text).toContain('saved, but line 2 (frobnicate &lt;b&gt;x&lt;/b&gt;)');
    expect(edit.text).toContain('Line check: 2 bad lines');
    const item = (n: number) =>
      new RegExp(`<li class="([^"]+)" data-line-number="${n}">([\\s\\S]*?)</li>`).exec(edit.text);
    expect(item(1)?.[1]).toBe('line-ok');
    expect(item(2)?.[1]).toBe('line-bad');
    expect(item(2)?.[2]).toContain(
      '<span class="line-number">2</span> <code class="line-text">frobnicate &lt;b&gt;x&lt;/b&gt;</code>',
    );
    expect(item(2)?.[2]).toMatch(/<span class="line-reason error">unknown command &#39;frobnicate&#39;/);
    expect(item(3)?.[2]).toContain('the alias q -&gt; r doesn&#39;t exist');
    expect(edit.text).not.toContain('<b>x</b>');

    const show = await member.get(`/bulk_update_requests/${id}`).expect(200);
    expect(show.text).toContain('2 lines are not valid');
    expect(show.text).not.toContain(`action="/bulk_update_requests/${id}/approve"`);
  });

  it("links an approved request to its job's dashboard page for moderators and admins, not for members", async () => {
    const { id } = await create(GOOD_SCRIPT);
    const page = await admin.get(`/bulk_update_requests/${id}`);
    await admin
      .post(`/bulk_update_requests/${id}/approve`)
      .type('form')
      .send({ _csrf: formToken(page.text) })
      .expect(303);
    const jobId = (await web().db.bulkUpdateRequest.findUniqueOrThrow({ where: { id } })).processingJobId;
    expect(jobId).toBeTruthy();

    const asAdmin = await admin.get(`/bulk_update_requests/${id}`).expect(200);
    expect(asAdmin.text).toContain(`job <a href="/admin/jobs/${jobId}">${jobId}</a>`);
    const asMember = await member.get(`/bulk_update_requests/${id}`).expect(200);
    expect(asMember.text).not.toContain('/admin/jobs/');
  });

  it('fixes the script on the edit page, then an admin approves it: one job enqueued, the request returns at once', async () => {
    const { id } = await create(BAD_SCRIPT);
    const edit = await member.get(`/bulk_update_requests/${id}/edit`);
    const saved = await member
      .post(`/bulk_update_requests/${id}`)
      .type('form')
      .send({ _csrf: formToken(edit.text), title: 'Hair', script: GOOD_SCRIPT, reason: 'tidy' })
      .expect(303);
    expect(saved.headers.location).toBe(`/bulk_update_requests/${id}`);

    const asMember = await member.get(`/bulk_update_requests/${id}`).expect(200);
    expect(asMember.text).toContain('every line is valid');
    expect(asMember.text).not.toContain(`action="/bulk_update_requests/${id}/approve"`);
    const refused = await member
      .post(`/bulk_update_requests/${id}/approve`)
      .type('form')
      .send({ _csrf: memberToken });
    expect(refused.status).toBe(403);

    const page = await admin.get(`/bulk_update_requests/${id}`).expect(200);
    expect(page.text).toContain(`action="/bulk_update_requests/${id}/approve"`);
    expect(page.text).toContain('data-live-topic="/burs/');
    const approved = await admin
      .post(`/bulk_update_requests/${id}/approve`)
      .type('form')
      .send({ _csrf: formToken(page.text) })
      .expect(303);
    expect(approved.headers.location).toBe(`/bulk_update_requests/${id}`);
    expect(queue.enqueued.map((j) => [j.jobClass, j.arguments, j.queue])).toEqual([
      ['ProcessBulkUpdateRequestJob', [id], 'bulk_update'],
    ]);

    const after = await admin.get(`/bulk_update_requests/${id}`).expect(200);
    expect(after.text).toMatch(/approved: ProcessBulkUpdateRequestJob \S+ enqueued/);
    expect(after.text).toContain('<progress id="bur-progress" max="100" value="0"');
    expect(after.text).toContain(
      'Line <span data-line-position>1</span> of <span data-line-count>2</span> (script line 1, pending)',
    );
    expect(after.text).toMatch(
      /<tr data-line-number="2" class="line-pending">[\s\S]*?create implication very_long_hair -&gt; hair/,
    );

    const again = await admin.post(`/api/bulk_update_requests/${id}/approve`).set('X-CSRF-Token', adminToken);
    expect(again.status).toBe(409);
  });

  it('draws the progress section from the line rows: line k of n, rows done/total, 100 % when completed', async () => {
    const { id } = await create(GOOD_SCRIPT);
    await admin.post(`/api/bulk_update_requests/${id}/approve`).set('X-CSRF-Token', adminToken).expect(202);
    const lines = await web().db.bulkUpdateRequestLine.findMany({
      where: { bulkUpdateRequestId: id },
      orderBy: { lineNumber: 'asc' },
    });
    await web().db.bulkUpdateRequestLine.update({
      where: { id: lines[0]?.id },
      data: { status: 'done', rowsDone: 2, rowsTotal: 2 },
    });
    await web().db.bulkUpdateRequestLine.update({
      where: { id: lines[1]?.id },
      data: { status: 'running', rowsDone: 1, rowsTotal: 4 },
    });

    const fragment = await request(web().app).get(`/bulk_update_requests/${id}/progress`).expect(200);
    expect(fragment.text.startsWith('<section class="bur-live"')).toBe(true);
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('value="62.5"');
    expect(fragment.text).toContain('<span class="percent" data-percent>62.5 %</span>');
    expect(fragment.text).toContain(
      'Line <span data-line-position>2</span> of <span data-line-count>2</span> (script line 2, running): <span class="rows" data-rows>1 of 4 posts</span>',
    );
    expect(fragment.headers['content-security-policy']).toContain("script-src 'self'");

    await web().db.bulkUpdateRequestLine.updateMany({
      where: { bulkUpdateRequestId: id },
      data: { status: 'done' },
    });
    await web().db.bulkUpdateRequest.update({
      where: { id },
      data: { status: 'completed', completedAt: new Date() },
    });
    const done = await request(web().app).get(`/api/bulk_update_requests/${id}`).expect(200);
    expect(done.body.progress).toMatchObject({ lines: 2, doneLines: 2, percent: 100 });
    expect((await request(web().app).get(`/bulk_update_requests/${id}/progress`)).text).toContain(
      'data-percent>100 %<',
    );
  });

  it('refuses a script that is empty or over its limits without storing it (422, the form comes back)', async () => {
    const form = await member.get('/bulk_update_requests/new');
    const res = await member
      .post('/bulk_update_requests')
      .type('form')
      .send({ _csrf: formToken(form.text), title: 'x', script: '   ' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('class="errors"');
    expect(await web().db.bulkUpdateRequest.count()).toBe(0);
  });

  it('rejects: the author may, a stranger may not; only pending requests', async () => {
    const { id } = await create(GOOD_SCRIPT);
    const stranger = request.agent(web().app);
    const strangerToken = await signIn(stranger, await createUser(web().db, 'stranger', 'member'));
    expect(
      (await stranger.post(`/api/bulk_update_requests/${id}/reject`).set('X-CSRF-Token', strangerToken))
        .status,
    ).toBe(403);
    expect((await stranger.get(`/bulk_update_requests/${id}/edit`)).status).toBe(403);
    await member
      .post(`/bulk_update_requests/${id}/reject`)
      .type('form')
      .send({ _csrf: memberToken })
      .expect(303);
    expect((await web().db.bulkUpdateRequest.findUniqueOrThrow({ where: { id } })).status).toBe('rejected');
    expect((await member.get(`/bulk_update_requests/${id}/edit`)).status).toBe(409);
    expect(
      (await member.post(`/api/bulk_update_requests/${id}/reject`).set('X-CSRF-Token', memberToken)).status,
    ).toBe(409);
  });

  it('lists requests with their status, filters by status, and 404s an unknown one', async () => {
    const a = await create(GOOD_SCRIPT, '<i>first</i>');
    await create(BAD_SCRIPT, 'second');
    await member
      .post(`/api/bulk_update_requests/${a.id}/reject`)
      .set('X-CSRF-Token', memberToken)
      .expect(200);
    const list = await request(web().app).get('/bulk_update_requests').expect(200);
    expect(list.text).toContain('&lt;i&gt;first&lt;/i&gt;');
    expect(list.text).not.toContain('<i>first</i>');
    const rejected = await request(web().app).get('/api/bulk_update_requests?status=rejected').expect(200);
    expect((rejected.body.bulkUpdateRequests as Array<{ id: number }>).map((b) => b.id)).toEqual([a.id]);
    expect((await request(web().app).get('/bulk_update_requests?status=bogus')).status).toBe(422);
    expect((await request(web().app).get('/bulk_update_requests/999')).status).toBe(404);
    expect((await request(web().app).get('/api/bulk_update_requests/abc')).status).toBe(404);
  });

  it('JSON API: create answers 201 with the bad lines, edit with PATCH, approve 202 with the job id', async () => {
    const created = await member
      .post('/api/bulk_update_requests')
      .set('X-CSRF-Token', memberToken)
      .send({ script: BAD_SCRIPT, title: 'api' });
    expect(created.status).toBe(201);
    expect(created.body.valid).toBe(false);
    expect(created.body.errors).toEqual([
      {
        lineNumber: 2,
        text: 'frobnicate <b>x</b>',
        error: expect.stringMatching(/^unknown command/) as unknown,
      },
      { lineNumber: 3, text: 'unalias q -> r', error: "the alias q -> r doesn't exist" },
    ]);
    const id = created.body.bur.id as number;
    const approveBad = await admin
      .post(`/api/bulk_update_requests/${id}/approve`)
      .set('X-CSRF-Token', adminToken);
    expect(approveBad.status).toBe(422);
    expect(approveBad.body.lines).toHaveLength(2);
    expect(queue.enqueued).toHaveLength(0);

    const patched = await member
      .patch(`/api/bulk_update_requests/${id}`)
      .set('X-CSRF-Token', memberToken)
      .send({ script: GOOD_SCRIPT });
    expect(patched.status).toBe(200);
    expect(patched.body.valid).toBe(true);
    expect(patched.body.bur.lines.map((l: { text: string }) => l.text)).toEqual([
      'create alias long_hair -> very_long_hair',
      'create implication very_long_hair -> hair',
    ]);

    const approved = await admin
      .post(`/api/bulk_update_requests/${id}/approve`)
      .set('X-CSRF-Token', adminToken);
    expect(approved.status).toBe(202);
    expect(approved.body).toMatchObject({ id, status: 'processing', jobId: queue.enqueued[0]?.job.jobId });
    expect(
      (await request(web().app).post('/api/bulk_update_requests').send({ script: GOOD_SCRIPT })).status,
    ).toBe(403);
    expect((await member.post('/api/bulk_update_requests').send({ script: GOOD_SCRIPT })).status).toBe(403);
  });
  it('offers a failed request to be edited, rejected (author, admin) and approved again (its approval level), and edits it', async () => {
    const { id } = await create('alias long_hair -> very_long_hair');
    await web().db.bulkUpdateRequest.update({ where: { id }, data: { status: 'failed' } });
    const moderator = request.agent(web().app);
    await signIn(moderator, await createUser(web().db, 'mod', 'moderator'));
    const actions = async (agent: Agent) => {
      const page = await agent.get(`/bulk_update_requests/${id}`).expect(200);
      return ['edit', 'approve', 'reject'].filter((action) =>
        action === 'edit'
          ? page.text.includes(`href="/bulk_update_requests/${id}/edit"`)
          : page.text.includes(`action="/bulk_update_requests/${id}/${action}"`),
      );
    };
    expect((await member.get(`/bulk_update_requests/${id}`)).text).toContain(
      '<p class="approval-level">Approval: an admin</p>',
    );
    expect(await actions(member)).toEqual(['edit', 'reject']);
    expect(await actions(moderator)).toEqual([]);
    expect(await actions(admin)).toEqual(['edit', 'approve', 'reject']);

    const edited = await member
      .patch(`/api/bulk_update_requests/${id}`)
      .set('X-CSRF-Token', memberToken)
      .send({ script: 'alias long_hair -> longer_hair' });
    expect(edited.status).toBe(200);
    expect(edited.body.bur).toMatchObject({
      status: 'failed',
      script: 'alias long_hair -> longer_hair',
      approvalLevel: 'admin',
    });
    await admin.post(`/api/bulk_update_requests/${id}/approve`).set('X-CSRF-Token', adminToken).expect(202);
    expect(queue.enqueued).toHaveLength(1);
  });
});
