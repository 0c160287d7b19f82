import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS, SIGNUP_LIMITS } from '../../app/web/middleware/rate-limit';
import { apiToken, createUser, formToken, PASSWORD, useWebApp } from './support';

async function attempt(app: Parameters<typeof request.agent>[0], name: string, password: string) {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  return agent
    .post('/login')
    .type('form')
    .send({ name, password, _csrf: formToken(page.text) });
}

describe('sign-in rate limits (Redis)', () => {
  const web = useWebApp({ loginLimits: { perName: 3, perIp: 6 } }, 'web-ratelimit');
  beforeEach(async () => {
    const keys = await web().redis.keys(`${web().scope.prefix}:web:rl:*`);
    if (keys.length > 0) await web().redis.del(...keys);
  });

  it('refuses the attempt after `perName` failures for one IP and name with 429, even with the right password', async () => {
    await createUser(web().db, 'alice');
    for (let i = 0; i < 3; i += 1) expect((await attempt(web().app, 'alice', 'wrong')).status).toBe(401);
    const blocked = await attempt(web().app, 'alice', PASSWORD);

    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed sign-in attempts');
    expect(blocked.headers['retry-after']).toBeDefined();
    const keys = await web().redis.keys(`${web().scope.prefix}:web:rl:login:*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('counts per name (case-insensitive), so another name from the same IP is still let through', async () => {
    await createUser(web().db, 'bob');
    await createUser(web().db, 'carol');
    for (let i = 0; i < 3; i += 1) await attempt(web().app, i % 2 ? 'BOB' : 'bob', 'wrong');
    expect((await attempt(web().app, 'bob', PASSWORD)).status).toBe(429);
    expect((await attempt(web().app, 'carol', PASSWORD)).status).toBe(303);
  });

  it('does not count successful sign-ins', async () => {
    await createUser(web().db, 'dave');
    for (let i = 0; i < 4; i += 1) expect((await attempt(web().app, 'dave', PASSWORD)).status).toBe(303);
  });

  it('limits the JSON sign-in too, and caps failures per IP across names', async () => {
    const agent = request.agent(web().app);
    const token = await apiToken(agent);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push(
        (
          await agent
            .post('/api/session')
            .set('X-CSRF-Token', token)
            .send({ name: `nobody${i}`, password: 'x' })
        ).status,
      );
    }
    expect(statuses.slice(0, 6).every((s) => s === 401) || statuses.includes(429)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('uses production defaults of 5 per name and 50 per IP in 15 minutes', () => {
    expect(LOGIN_LIMITS).toEqual({ perName: 5, perIp: 50, windowMs: 15 * 60 * 1000 });
  });
});

describe('sign-up rate limit (Redis)', () => {
  const web = useWebApp({ signupLimits: { perIp: 3 } }, 'web-signup-limit');

  it('refuses sign-ups past `perIp` attempts from one IP with 429 and Retry-After, counting failed ones too', async () => {
    const signUp = async (name: string, password = PASSWORD) => {
      const agent = request.agent(web().app);
      const token = await apiToken(agent);
      return agent.post('/api/users').set('X-CSRF-Token', token).send({ name, password });
    };
    expect((await signUp('erin', 'short')).status).toBe(422);
    expect((await signUp('erin')).status).toBe(201);
    const agent = request.agent(web().app);
    const form = await agent.get('/signup').expect(200);
    const third = await agent
      .post('/signup')
      .type('form')
      .send({ name: 'fay', password: PASSWORD, _csrf: formToken(form.text) });
    expect(third.status).toBe(303);

    const blocked = await signUp('gus');
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expect(blocked.body).toEqual({ error: 'Too many sign-ups from your address: try again later.' });
    expect(await web().db.user.count()).toBe(2);
    expect(await web().redis.keys(`${web().scope.prefix}:web:rl:signup:*`)).toHaveLength(1);
  });

  it('uses a production default of 10 attempts per IP per hour', () => {
    expect(SIGNUP_LIMITS).toEqual({ perIp: 10, windowMs: 60 * 60 * 1000 });
  });
});
