/**
 * Two deployments on one Redis: the web app's session and rate-limit keys live under its own key
 * prefix (WEB_KEY_PREFIX), so one app neither accepts the other's session cookie nor counts the
 * other's failed sign-ins, even with the same SESSION_SECRET.
 */
import type { Express } from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/web/create-app';
import { QUEUE_NAMES } from '../../config/queues';
import { createUser, formToken, PASSWORD, setCookie, useWebApp } from './support';

const SECRET = 'shared-secret-shared-secret-shared-0123';
const LIMITS = { perName: 2, perIp: 10 };

describe('web key prefix', () => {
  const web = useWebApp({ sessionSecret: SECRET, loginLimits: LIMITS }, 'web-prefix');
  let other: Express;
  beforeAll(() => {
    other = createApp({
      prisma: web().db,
      redis: web().redis,
      queues: web().adapter,
      queueNames: QUEUE_NAMES,
      sessionSecret: SECRET,
      keyPrefix: `${web().scope.prefix}:other-web:`,
      loginLimits: LIMITS,
    });
  });

  async function failedLogin(app: Express, name: string) {
    const agent = request.agent(app);
    const page = await agent.get('/login');
    return agent
      .post('/login')
      .type('form')
      .send({ name, password: 'wrong', _csrf: formToken(page.text) });
  }

  it("refuses the other deployment's session cookie: its visitor is anonymous there", async () => {
    await createUser(web().db, 'alice');
    const agent = request.agent(web().app);
    const page = await agent.get('/login');
    const login = await agent
      .post('/login')
      .type('form')
      .send({ name: 'alice', password: PASSWORD, _csrf: formToken(page.text) })
      .expect(303);
    const cookie = setCookie(login, 'backlot_session')?.split(';')[0] ?? '';
    expect(cookie).not.toBe('');

    const here = await request(web().app).get('/api/session').set('Cookie', cookie);
    const there = await request(other).get('/api/session').set('Cookie', cookie);
    expect(here.body.user).toMatchObject({ name: 'alice' });
    expect(there.body.user).toBeNull();
    expect(await web().redis.keys(`${web().scope.prefix}:web:sess:*`)).toHaveLength(1);
    expect(await web().redis.keys(`${web().scope.prefix}:other-web:sess:*`)).toHaveLength(0);
  });

  it('keeps its own sign-in counters: failures on one deployment do not lock the name on the other', async () => {
    await createUser(web().db, 'bob');
    for (let i = 0; i < LIMITS.perName; i += 1)
      expect((await failedLogin(web().app, 'bob')).status).toBe(401);
    expect((await failedLogin(web().app, 'bob')).status).toBe(429);

    expect((await failedLogin(other, 'bob')).status).toBe(401);
    const agent = request.agent(other);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ name: 'bob', password: PASSWORD, _csrf: formToken(page.text) });
    expect(res.status).toBe(303);
  });
});
