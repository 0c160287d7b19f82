import { appRoutes } from '@bull-board/api/dist/routes.js';
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UserLevel } from '../../app/db/generated/enums';
import { HIDDEN_FOR_MODERATORS } from '../../app/web/admin/bull-board';
import { XSRF_COOKIE } from '../../app/web/middleware/csrf';
import { JOB_IDS, seedJobs } from './jobs-fixture';
import { apiToken, createUser, setCookie, signIn, useWebApp, type Agent } from './support';

type Who = 'anonymous' | UserLevel;
const EVERYONE: Who[] = ['anonymous', 'member', 'builder', 'moderator', 'admin'];
const BELOW_MODERATOR: Who[] = ['anonymous', 'member', 'builder'];

const BOARD = '/admin/jobs/board';

/** Every Bull Board API route, its parameters filled in with a real queue and job. */
const BOARD_API = appRoutes.api.flatMap((route) =>
  (Array.isArray(route.route) ? route.route : [route.route]).map((path) => ({
    method: route.method as 'get' | 'post' | 'put' | 'patch' | 'delete',
    path: `${BOARD}${path
      .replace(':queueName', 'default')
      .replace(':jobId', JOB_IDS.failed)
      .replace(':queueStatus', 'failed')
      .replace(':schedulerId', 'none')}`,
  })),
);

describe('deleting accounts and posts by level', () => {
  const web = useWebApp({}, 'web-delete-access');

  it('refuses account deletion below admin and post deletion below moderator with 403 (pages and JSON)', async () => {
    const target = await createUser(web().db, 'target', 'member');
    const post = await web().db.post.create({ data: {} });
    for (const level of ['member', 'builder', 'moderator'] as const) {
      const agent = request.agent(web().app);
      const token = await signIn(agent, await createUser(web().db, `${level}-deleter`, level));
      expect((await agent.get(`/users/${target.id}/delete/confirm`)).status, level).toBe(403);
      expect(
        (await agent.post(`/users/${target.id}/delete`).type('form').send({ _csrf: token, confirmed: 'yes' }))
          .status,
        level,
      ).toBe(403);
      expect(
        (await agent.delete(`/api/users/${target.id}`).set('X-CSRF-Token', token).send({ confirmed: true }))
          .status,
        level,
      ).toBe(403);
      if (level === 'moderator') continue;
      expect((await agent.get(`/posts/${post.id}/delete/confirm`)).status, level).toBe(403);
      expect(
        (await agent.delete(`/api/posts/${post.id}`).set('X-CSRF-Token', token).send({ confirmed: true }))
          .status,
        level,
      ).toBe(403);
    }
    const anonymous = request.agent(web().app);
    const token = await apiToken(anonymous);
    expect(
      (await anonymous.delete(`/api/users/${target.id}`).set('X-CSRF-Token', token).send({ confirmed: true }))
        .status,
    ).toBe(403);
    expect(
      (await anonymous.delete(`/api/posts/${post.id}`).set('X-CSRF-Token', token).send({ confirmed: true }))
        .status,
    ).toBe(403);
    expect(
      (await web().db.user.findUniqueOrThrow({ where: { id: target.id } })).deletionRequestedAt,
    ).toBeNull();
    expect(
      (await web().db.post.findUniqueOrThrow({ where: { id: post.id } })).deletionRequestedAt,
    ).toBeNull();
  });
});

describe('admin access by level', () => {
  const web = useWebApp({}, 'web-admin-access', { truncate: 'once' });
  const agents = new Map<Who, { agent: Agent; token: string }>();

  beforeEach(() => seedJobs(web().adapter, web().scope));

  beforeAll(async () => {
    const anonymous = request.agent(web().app);
    agents.set('anonymous', { agent: anonymous, token: await apiToken(anonymous) });
    for (const level of ['member', 'builder', 'moderator', 'admin'] as const) {
      const agent = request.agent(web().app);
      agents.set(level, {
        agent,
        token: await signIn(agent, await createUser(web().db, `${level}-user`, level)),
      });
    }
    expect([...agents.keys()].sort()).toEqual([...EVERYONE].sort());
  });

  function as(who: Who) {
    const entry = agents.get(who);
    if (!entry) throw new Error(`no agent for ${who}`);
    return entry;
  }

  const PAGES = [
    '/admin',
    '/admin/jobs',
    `/admin/jobs/${JOB_IDS.failed}`,
    `/admin/jobs/${JOB_IDS.failed}/row`,
    `/admin/jobs/${JOB_IDS.delayed}/cancel/confirm`,
    '/admin/nothing-here',
  ];
  const API_READS = ['/api/admin/jobs', '/api/admin/queues', `/api/admin/jobs/${JOB_IDS.failed}`];

  it('refuses every /admin page and /api/admin call below moderator with 403', async () => {
    for (const who of BELOW_MODERATOR) {
      const { agent, token } = as(who);
      for (const path of [...PAGES, ...API_READS]) {
        expect((await agent.get(path)).status, `${who} GET ${path}`).toBe(403);
      }
      expect(
        (await agent.post(`/admin/jobs/${JOB_IDS.failed}/retry`).type('form').send({ _csrf: token })).status,
      ).toBe(403);
      expect(
        (await agent.post(`/api/admin/jobs/${JOB_IDS.failed}/retry`).set('X-CSRF-Token', token)).status,
      ).toBe(403);
    }
    expect(await web().adapter.queue('default').getJobState(JOB_IDS.failed)).toBe('failed');
  });

  it('answers 403 with an HTML page for pages and JSON for the API', async () => {
    const { agent } = as('member');
    const page = await agent.get('/admin/jobs');
    expect(page.headers['content-type']).toMatch(/html/);
    expect(page.text).toContain('403 Forbidden');
    const api = await agent.get('/api/admin/jobs');
    expect(api.body).toEqual({ error: 'moderators only' });
  });

  it('lets moderators read the jobs pages but not act, confirm or see arguments', async () => {
    const { agent, token } = as('moderator');
    expect((await agent.get('/admin')).status).toBe(303);
    const list = await agent.get('/admin/jobs').expect(200);
    expect(list.text).toContain(JOB_IDS.failed);
    expect(list.text).not.toContain('/retry');
    const detail = await agent.get(`/admin/jobs/${JOB_IDS.failed}`).expect(200);
    expect(detail.text).toContain('Arguments are visible to admins only.');
    expect(detail.text).not.toContain('secret');
    expect((await agent.get(`/admin/jobs/${JOB_IDS.delayed}/cancel/confirm`)).status).toBe(403);
    expect(
      (await agent.post(`/admin/jobs/${JOB_IDS.failed}/retry`).type('form').send({ _csrf: token })).status,
    ).toBe(403);
    const apiJob = await agent.get(`/api/admin/jobs/${JOB_IDS.failed}`).expect(200);
    expect(apiJob.body).not.toHaveProperty('arguments');
    expect(apiJob.body).not.toHaveProperty('result');
    expect(
      (await agent.post(`/api/admin/jobs/${JOB_IDS.failed}/retry`).set('X-CSRF-Token', token)).status,
    ).toBe(403);
    expect(await web().adapter.queue('default').getJobState(JOB_IDS.failed)).toBe('failed');
  });

  it('lets admins read everything, arguments included (secret keys filtered), and act', async () => {
    const { agent, token } = as('admin');
    for (const path of [...PAGES.slice(1, 4), ...API_READS])
      expect((await agent.get(path)).status, path).toBe(200);
    const job = await agent.get(`/api/admin/jobs/${JOB_IDS.failed}`);
    expect(job.body.arguments[1]).toEqual({ password: '[FILTERED]' });
    expect(job.text).not.toContain('secret');
    expect((await agent.get(`/admin/jobs/${JOB_IDS.failed}`)).text).not.toContain('secret');
    const retried = await agent.post(`/api/admin/jobs/${JOB_IDS.failed}/retry`).set('X-CSRF-Token', token);
    expect(retried.status).toBe(200);
    expect(await web().adapter.queue('default').getJobState(JOB_IDS.failed)).toBe('waiting');
  });

  it('refuses the Bull Board page and every Bull Board API call below moderator with 403', async () => {
    expect(BOARD_API.length).toBeGreaterThan(30);
    for (const who of BELOW_MODERATOR) {
      const { agent, token } = as(who);
      expect((await agent.get(BOARD)).status, `${who} board page`).toBe(403);
      expect((await agent.get(`${BOARD}/queue/default`)).status).toBe(403);
      for (const { method, path } of BOARD_API) {
        const res = await agent[method](path).set('X-CSRF-Token', token).send({});
        expect(res.status, `${who} ${method.toUpperCase()} ${path}`).toBe(403);
      }
    }
    expect(await web().adapter.queue('default').isPaused()).toBe(false);
    expect(await web().adapter.queue('default').getJobState(JOB_IDS.failed)).toBe('failed');
  });

  it('gives moderators a read-only board: reads answer, every action is refused with 403, job data is hidden', async () => {
    const { agent, token } = as('moderator');
    const page = await agent.get(BOARD).expect(200);
    expect(page.text).toContain('read-only');
    expect(setCookie(page, XSRF_COOKIE)).toContain(`${XSRF_COOKIE}=${token}`);
    for (const { method, path } of BOARD_API) {
      const res = await agent[method](path).set('X-XSRF-Token', token).send({});
      if (method === 'get') expect(res.status, `GET ${path}`).not.toBe(403);
      else expect(res.status, `${method.toUpperCase()} ${path}`).toBe(403);
    }
    const queues = await agent.get(`${BOARD}/api/queues?activeQueue=default&status=failed`).expect(200);
    const job = (queues.body.queues as Array<{ name: string; jobs: Array<{ id: string; data: unknown }> }>)
      .find((q) => q.name === 'default')
      ?.jobs.find((j) => j.id === JOB_IDS.failed);
    expect(job?.data).toBe(HIDDEN_FOR_MODERATORS);
    expect(JSON.stringify(queues.body)).not.toContain('secret');
    expect(await web().adapter.queue('default').isPaused()).toBe(false);
    expect(await web().adapter.queue('default').getJobState(JOB_IDS.failed)).toBe('failed');
  });

  it('gives admins a board that acts, with the CSRF token sent the way its axios client sends it', async () => {
    const { agent, token } = as('admin');
    const page = await agent.get(BOARD).expect(200);
    expect(page.text).not.toContain('read-only');
    const xsrf = /XSRF-TOKEN=([^;]+)/.exec(setCookie(page, XSRF_COOKIE) ?? '')?.[1];
    expect(xsrf).toBe(token);

    const queues = await agent.get(`${BOARD}/api/queues?activeQueue=default&status=failed`).expect(200);
    expect(JSON.stringify(queues.body)).toContain('"password":"[FILTERED]"');
    expect(JSON.stringify(queues.body)).not.toContain('secret');
    await agent
      .put(`${BOARD}/api/queues/default/${JOB_IDS.failed}/retry`)
      .set('X-XSRF-Token', xsrf ?? '')
      .expect(204);
    expect(await web().adapter.queue('default').getJobState(JOB_IDS.failed)).toBe('waiting');
    await agent
      .put(`${BOARD}/api/queues/default/pause`)
      .set('X-XSRF-Token', xsrf ?? '')
      .expect(200);
    expect(await web().adapter.queue('default').isPaused()).toBe(true);
    for (const { method, path } of BOARD_API) {
      const res = await agent[method](path)
        .set('X-XSRF-Token', xsrf ?? '')
        .send({});
      expect(res.status, `${method.toUpperCase()} ${path}`).not.toBe(403);
    }
  });

  it('refuses input Bull Board fails on with 400 naming the field, never a 500 with its message', async () => {
    const queues = `${BOARD}/api/queues?status=failed`;
    for (const level of ['moderator', 'admin'] as const) {
      const { agent } = as(level);
      for (const [query, error] of [
        ['activeQueue=default&page=99999999999999999999', 'page must be a whole number from 1 to 1000000'],
        ['page=1000001', 'page must be a whole number from 1 to 1000000'],
        ['jobsPerPage=1001', 'jobsPerPage must be a whole number from 1 to 1000'],
        ['page=2&jobsPerPage=99999999999999999999', 'jobsPerPage must be a whole number from 1 to 1000'],
        ['activeQueue=%25', 'activeQueue has malformed percent-encoding'],
        ['activeQueue=%25E0%25A4%25A', 'activeQueue has malformed percent-encoding'],
      ] as const) {
        const res = await agent.get(`${queues}&${query}`).set('Accept', 'application/json');
        expect([res.status, res.body], `${level} ${query}`).toEqual([400, { error }]);
      }
      const last = await agent.get(`${queues}&activeQueue=default&page=1000000&jobsPerPage=1000`).expect(200);
      expect(last.body.queues.find((q: { name: string }) => q.name === 'default').jobs).toEqual([]);
      await agent.get(`${queues}&page=&jobsPerPage=`).expect(200);
    }
    const { agent, token } = as('admin');
    const add = (jobId: unknown) =>
      agent
        .post(`${BOARD}/api/queues/default/add`)
        .set('X-XSRF-Token', token)
        .set('Accept', 'application/json')
        .send({ name: 'PingJob', data: {}, options: { jobId } });
    for (const [jobId, error] of [
      ['123', 'options.jobId cannot be an integer (BullMQ numbers its own ids)'],
      ['a:b', 'options.jobId cannot contain ":"'],
      [42, 'options.jobId must be text'],
    ] as const)
      expect([(await add(jobId)).status, (await add(jobId)).body], String(jobId)).toEqual([400, { error }]);
    const withParent = await agent
      .post(`${BOARD}/api/queues/default/add`)
      .set('X-XSRF-Token', token)
      .set('Accept', 'application/json')
      .send({ name: 'PingJob', data: {}, options: { parent: { id: 'nope', queue: 'bull:default' } } });
    expect([withParent.status, withParent.body]).toEqual([
      400,
      {
        error:
          'options.parent is not taken from the board: a job with dependencies is enqueued with enqueueAfter',
      },
    ]);
    expect((await add('board-added')).status).toBe(200);
    expect(await web().adapter.queue('default').getJob('board-added')).toBeDefined();
    const { agent: moderator, token: moderatorToken } = as('moderator');
    const refused = await moderator
      .post(`${BOARD}/api/queues/default/add`)
      .set('X-XSRF-Token', moderatorToken)
      .send({ name: 'PingJob', options: { jobId: '123' } });
    expect(refused.status).toBe(403);
  });

  it("names the path as requested in a board 404, not the read-only or admin board's inner path", async () => {
    for (const level of ['moderator', 'admin'] as const) {
      const res = await as(level).agent.get(`${BOARD}/api/nowhere?x=1`).set('Accept', 'application/json');
      expect([res.status, res.body], level).toEqual([404, { error: `no page at ${BOARD}/api/nowhere` }]);
    }
  });

  it('serves the board offline: no font or other asset from the internet, its own assets from this app', async () => {
    for (const level of ['moderator', 'admin'] as const) {
      const { agent } = as(level);
      const page = await agent.get(BOARD).expect(200);
      expect(page.text, level).not.toContain('fonts.googleapis.com');
      expect(page.text, level).not.toMatch(/(?:href|src)="(?:https?:)?\/\//);
      const assets = [...page.text.matchAll(/(?:href|src)="(static\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets.some((a) => a?.endsWith('.css')) && assets.some((a) => a?.endsWith('.js')), level).toBe(
        true,
      );
      for (const asset of assets) expect((await agent.get(`${BOARD}/${asset}`)).status, asset).toBe(200);
    }
  });
});
