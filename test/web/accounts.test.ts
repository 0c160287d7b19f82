import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CSRF_COOKIE } from '../../app/web/middleware/csrf-cookie';
import { SESSION_COOKIE } from '../../app/web/middleware/session';
import { apiToken, createUser, formToken, PASSWORD, setCookie, signIn, useWebApp } from './support';

describe('accounts: sign up, sign in, sign out', () => {
  const web = useWebApp({}, 'web-accounts');

  it('signs up through the form: a member with an scrypt hash, signed in at once', async () => {
    const agent = request.agent(web().app);
    const page = await agent.get('/signup').expect(200);
    const res = await agent
      .post('/signup')
      .type('form')
      .send({ name: 'alice', password: PASSWORD, _csrf: formToken(page.text) });

    expect(res.status).toBe(303);
    const user = await web().db.user.findUniqueOrThrow({ where: { name: 'alice' } });
    expect(user.level).toBe('member');
    expect(user.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(user.passwordHash).not.toContain(PASSWORD);
    expect(res.headers.location).toBe(`/users/${user.id}`);
    const session = await agent.get('/api/session').expect(200);
    expect(session.body.user).toEqual({ id: user.id, name: 'alice', level: 'member' });
  });

  it('gives each user a salt of their own', async () => {
    const agent = request.agent(web().app);
    for (const name of ['bob', 'carol']) {
      const page = await agent.get('/signup');
      await agent
        .post('/signup')
        .type('form')
        .send({ name, password: PASSWORD, _csrf: formToken(page.text) })
        .expect(303);
      const token = await apiToken(agent);
      await agent.post('/logout').type('form').send({ _csrf: token }).expect(303);
    }
    const [a, b] = await web().db.user.findMany({ orderBy: { id: 'asc' } });
    expect(a?.passwordHash?.split('$')[4]).not.toBe(b?.passwordHash?.split('$')[4]);
  });

  it('shows field errors on a bad sign-up and keeps the entered name, escaped', async () => {
    const agent = request.agent(web().app);
    const page = await agent.get('/signup');
    const res = await agent
      .post('/signup')
      .type('form')
      .send({ name: '<b>x</b>', password: 'short', _csrf: formToken(page.text) });

    expect(res.status).toBe(422);
    expect(res.text).toContain('Name may only use letters, digits');
    expect(res.text).toContain('Password must be at least 8 characters');
    expect(res.text).toContain('value="&lt;b&gt;x&lt;/b&gt;"');
    expect(res.text).not.toContain('<b>x</b>');
    expect(await web().db.user.count()).toBe(0);
  });

  it('refuses a taken name, whatever its case', async () => {
    await createUser(web().db, 'Dave');
    const agent = request.agent(web().app);
    const token = await apiToken(agent);
    const res = await agent
      .post('/api/users')
      .set('X-CSRF-Token', token)
      .send({ name: 'dave', password: PASSWORD });

    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: 'Name is already taken', fields: { name: 'Name is already taken' } });
  });

  it('signs in with a session cookie that is httpOnly, SameSite=Lax and not Secure outside production', async () => {
    const user = await createUser(web().db, 'erin');
    const agent = request.agent(web().app);
    const page = await agent.get('/login').expect(200);
    const res = await agent
      .post('/login')
      .type('form')
      .send({ name: 'erin', password: PASSWORD, _csrf: formToken(page.text) });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/posts');
    const cookie = setCookie(res, SESSION_COOKIE) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const posts = await agent.get('/posts').expect(200);
    expect(posts.text).toContain(`<a href="/users/${user.id}">erin</a>`);
    expect(posts.text).toContain('Signed in as erin');
  });

  it('stores a session only at sign-in, under a new id, and rotates the CSRF token', async () => {
    await createUser(web().db, 'frank');
    const agent = request.agent(web().app);
    const page = await agent.get('/login');
    expect(setCookie(page, SESSION_COOKIE)).toBeUndefined();
    const tokenBefore = formToken(page.text);
    const res = await agent
      .post('/login')
      .type('form')
      .send({ name: 'frank', password: PASSWORD, _csrf: tokenBefore });
    const after = setCookie(res, SESSION_COOKIE)?.split(';')[0];

    expect(after).toBeDefined();
    expect(await apiToken(agent)).not.toBe(tokenBefore);
    const signedIn = await request(web().app)
      .get('/api/session')
      .set('Cookie', after ?? '');
    expect(signedIn.body.user).toMatchObject({ name: 'frank' });
  });

  it('gives a session that existed before sign-in a new id: the old one stops working', async () => {
    await createUser(web().db, 'fred');
    const agent = request.agent(web().app);
    const page = await agent.get('/login');
    const first = await agent
      .post('/login')
      .type('form')
      .send({ name: 'fred', password: PASSWORD, _csrf: formToken(page.text) })
      .expect(303);
    const before = setCookie(first, SESSION_COOKIE)?.split(';')[0];
    const again = await agent
      .post('/login')
      .type('form')
      .send({ name: 'fred', password: PASSWORD, _csrf: await apiToken(agent) })
      .expect(303);
    const after = setCookie(again, SESSION_COOKIE)?.split(';')[0];

    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const stale = await request(web().app)
      .get('/api/session')
      .set('Cookie', before ?? '');
    expect(stale.body.user).toBeNull();
  });

  it('says only "wrong name or password", for a wrong password and an unknown name alike', async () => {
    await createUser(web().db, 'gina');
    for (const name of ['gina', 'nobody']) {
      const agent = request.agent(web().app);
      const page = await agent.get('/login');
      const res = await agent
        .post('/login')
        .type('form')
        .send({ name, password: 'wrong password', _csrf: formToken(page.text) });
      expect(res.status).toBe(401);
      expect(res.text).toContain('Wrong name or password');
      expect((await agent.get('/api/session')).body.user).toBeNull();
    }
  });

  it('returns to a same-site `next` after sign-in, never to another site nor one too long to send back', async () => {
    await createUser(web().db, 'hank');
    for (const [next, expected] of [
      ['/users', '/users'],
      ['//evil.example/x', '/posts'],
      ['https://evil.example/', '/posts'],
      ['/\\evil.example/x', '/posts'],
      ['/\t/evil.example/x', '/%09/evil.example/x'],
      [`/users?q=${'a'.repeat(2000)}`, `/users?q=${'a'.repeat(2000)}`],
      [`/users?q=${'a'.repeat(20_000)}`, '/posts'],
    ] as const) {
      const agent = request.agent(web().app);
      const page = await agent.get('/login');
      const res = await agent
        .post('/login')
        .type('form')
        .send({ name: 'hank', password: PASSWORD, next, _csrf: formToken(page.text) });
      expect(res.headers.location).toBe(expected);
    }
  });

  it('signs out: the session is destroyed', async () => {
    const user = await createUser(web().db, 'ivy');
    const agent = request.agent(web().app);
    const token = await signIn(agent, user);
    const cookie = (await agent.get('/api/session')).request.cookies;
    const res = await agent.post('/logout').type('form').send({ _csrf: token });

    expect(res.status).toBe(303);
    expect((await agent.get('/api/session')).body.user).toBeNull();
    const replayed = await request(web().app).get('/api/session').set('Cookie', cookie);
    expect(replayed.body.user).toBeNull();
  });

  it('works as a JSON API: sign up, session, sign out, sign in', async () => {
    const agent = request.agent(web().app);
    const token = await apiToken(agent);
    const created = await agent
      .post('/api/users')
      .set('X-CSRF-Token', token)
      .send({ name: 'jack', password: PASSWORD });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ name: 'jack', level: 'member' });
    expect(JSON.stringify(created.body)).not.toMatch(/passwordHash|scrypt/);

    await agent
      .delete('/api/session')
      .set('X-CSRF-Token', created.body.csrfToken as string)
      .expect(204);
    const fresh = await apiToken(agent);
    const signedIn = await agent
      .post('/api/session')
      .set('X-CSRF-Token', fresh)
      .send({ name: 'jack', password: PASSWORD });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ name: 'jack' });
    const wrong = await request
      .agent(web().app)
      .post('/api/session')
      .set('X-CSRF-Token', 'x')
      .send({ name: 'jack', password: 'nope' });
    expect(wrong.status).toBe(403);
  });

  it('upgrades a hash made with weaker scrypt parameters at the next sign-in', async () => {
    const { scrypt, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = await new Promise<Buffer>((resolve, reject) =>
      scrypt(PASSWORD, salt, 64, { N: 1024, r: 8, p: 1 }, (e, k) => (e ? reject(e) : resolve(k))),
    );
    await web().db.user.create({
      data: {
        name: 'kim',
        passwordHash: `scrypt$1024$8$1$${salt.toString('base64')}$${key.toString('base64')}`,
      },
    });
    await signIn(request.agent(web().app), { name: 'kim', password: PASSWORD });
    const user = await web().db.user.findUniqueOrThrow({ where: { name: 'kim' } });
    expect(user.passwordHash).toMatch(/^scrypt\$32768\$/);
  });
});

describe('accounts with secure cookies (production)', () => {
  const web = useWebApp({ secureCookies: true, trustProxy: 1 }, 'web-secure');

  it('marks the CSRF cookie and the session cookie Secure', async () => {
    await createUser(web().db, 'sam');
    const agent = request.agent(web().app);
    const page = await agent.get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    expect(setCookie(page, CSRF_COOKIE)).toMatch(/; Secure/);
    const res = await agent
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', setCookie(page, CSRF_COOKIE)?.split(';')[0] ?? '')
      .type('form')
      .send({ name: 'sam', password: PASSWORD, _csrf: formToken(page.text) })
      .expect(303);
    expect(setCookie(res, SESSION_COOKIE)).toMatch(/; Secure/);
  });
});
