/**
 * Anonymous visitors store no session: the sign-in and sign-up pages and GET /api/session hand
 * out a CSRF token in a signed cookie instead, which the next POST must match; signing in then
 * stores the one session.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CSRF_COOKIE } from '../../app/web/middleware/csrf-cookie';
import { apiToken, createUser, formToken, PASSWORD, setCookie, useWebApp } from './support';

describe('anonymous visitors', () => {
  const web = useWebApp({}, 'web-anon');
  const sessionKeys = () => web().redis.keys(`${web().scope.prefix}:web:sess:*`);

  it('store no session for 100 visits of /login, /signup and /api/session', async () => {
    for (let i = 0; i < 100; i += 1) {
      const path = ['/login', '/signup', '/api/session'][i % 3] ?? '/login';
      const res = await request(web().app).get(path).expect(200);
      expect(setCookie(res, 'backlot_session')).toBeUndefined();
      expect(setCookie(res, CSRF_COOKIE)).toMatch(/HttpOnly/);
    }
    expect(await sessionKeys()).toEqual([]);
  });

  it('sign in with the token of the page: one session is stored then, none before', async () => {
    await createUser(web().db, 'alice');
    const agent = request.agent(web().app);
    const page = await agent.get('/login').expect(200);
    expect(formToken((await agent.get('/login')).text)).toBe(formToken(page.text));
    expect(await sessionKeys()).toEqual([]);

    const wrong = await agent
      .post('/login')
      .type('form')
      .send({ name: 'alice', password: 'wrong', _csrf: formToken(page.text) });
    expect(wrong.status).toBe(401);
    expect(await sessionKeys()).toEqual([]);

    const ok = await agent
      .post('/login')
      .type('form')
      .send({ name: 'alice', password: PASSWORD, _csrf: formToken(page.text) });
    expect(ok.status).toBe(303);
    expect(setCookie(ok, CSRF_COOKIE)).toMatch(/^backlot_csrf=;/);
    expect(await sessionKeys()).toHaveLength(1);
    expect((await agent.get('/api/session')).body.user).toMatchObject({ name: 'alice' });
  });

  it('refuse a token without its cookie, a cookie with a forged signature, and a token seen before sign-in', async () => {
    await createUser(web().db, 'bob');
    const anonymous = request.agent(web().app);
    const token = await apiToken(anonymous);
    const cookie = setCookie(await anonymous.get('/api/session'), CSRF_COOKIE);
    expect(cookie).toBeUndefined(); // set once, then read back from the jar

    const bare = await request(web().app)
      .post('/api/session')
      .set('X-CSRF-Token', token)
      .send({ name: 'bob', password: PASSWORD });
    expect(bare.status).toBe(403);
    const forged = await request(web().app)
      .post('/api/session')
      .set('Cookie', `${CSRF_COOKIE}=${token}.AAAA`)
      .set('X-CSRF-Token', token)
      .send({ name: 'bob', password: PASSWORD });
    expect(forged.status).toBe(403);

    const signedIn = await anonymous
      .post('/api/session')
      .set('X-CSRF-Token', token)
      .send({ name: 'bob', password: PASSWORD })
      .expect(200);
    expect(signedIn.body.csrfToken).not.toBe(token);
    const stale = await anonymous.post('/posts/1/tags').type('form').send({ tagString: 'x', _csrf: token });
    expect(stale.status).toBe(403);
  });
});
