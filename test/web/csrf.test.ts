import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiToken, createUser, formToken, PASSWORD, signIn, useWebApp } from './support';

describe('CSRF protection', () => {
  const web = useWebApp({}, 'web-csrf');

  it('refuses a sign-in POST without a token (403) and signs nobody in', async () => {
    await createUser(web().db, 'alice');
    const agent = request.agent(web().app);
    await agent.get('/login').expect(200);
    const res = await agent.post('/login').type('form').send({ name: 'alice', password: PASSWORD });

    expect(res.status).toBe(403);
    expect(res.text).toContain('invalid or missing CSRF token');
    expect((await agent.get('/api/session')).body.user).toBeNull();
  });

  it('refuses a token from another session', async () => {
    await createUser(web().db, 'bob');
    const other = request.agent(web().app);
    const foreign = formToken((await other.get('/login')).text);
    const agent = request.agent(web().app);
    await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ name: 'bob', password: PASSWORD, _csrf: foreign });
    expect(res.status).toBe(403);
  });

  it('refuses a sign-up POST without a token and creates no user', async () => {
    const res = await request(web().app)
      .post('/signup')
      .type('form')
      .send({ name: 'mallory', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(await web().db.user.count()).toBe(0);
  });

  it('refuses state changes of a signed-in user without the token: sign-out, tag edits, favorites, BURs, deletions, JSON API, admin actions', async () => {
    const user = await createUser(web().db, 'carol', 'admin');
    const post = await web().db.post.create({ data: {} });
    const agent = request.agent(web().app);
    const token = await signIn(agent, user);

    const attempts: Array<[string, () => PromiseLike<{ status: number }>]> = [
      ['sign-out', () => agent.post('/logout').type('form').send({})],
      ['tag form', () => agent.post(`/posts/${post.id}/tags`).type('form').send({ tagString: 'hacked' })],
      ['tag API', () => agent.patch(`/api/posts/${post.id}`).send({ tagString: 'hacked' })],
      [
        'tag API, wrong token',
        () =>
          agent.patch(`/api/posts/${post.id}`).set('X-CSRF-Token', `${token}x`).send({ tagString: 'hacked' }),
      ],
      [
        'job destroy',
        () => agent.post('/admin/jobs/some-id/destroy').type('form').send({ confirmed: 'yes' }),
      ],
      ['job retry API', () => agent.post('/api/admin/jobs/some-id/retry').send({})],
      ['Bull Board pause', () => agent.put('/admin/jobs/board/api/queues/default/pause')],
      ['API sign-out', () => agent.delete('/api/session')],
      [
        'favorite',
        () =>
          agent
            .post('/favorites')
            .type('form')
            .send({ postId: String(post.id) }),
      ],
      ['favorite API', () => agent.post('/api/favorites').send({ postId: post.id })],
      ['unfavorite API', () => agent.delete(`/api/favorites/${post.id}`)],
      ['BUR create', () => agent.post('/bulk_update_requests').type('form').send({ script: 'nuke a' })],
      ['BUR create API', () => agent.post('/api/bulk_update_requests').send({ script: 'nuke a' })],
      ['BUR edit API', () => agent.patch('/api/bulk_update_requests/1').send({ script: 'nuke a' })],
      ['BUR approve', () => agent.post('/bulk_update_requests/1/approve').type('form').send({})],
      ['BUR reject API', () => agent.post('/api/bulk_update_requests/1/reject').send({})],
      ['post delete', () => agent.post(`/posts/${post.id}/delete`).type('form').send({ confirmed: 'yes' })],
      ['post delete API', () => agent.delete(`/api/posts/${post.id}`).send({ confirmed: true })],
      ['user delete', () => agent.post(`/users/${user.id}/delete`).type('form').send({ confirmed: 'yes' })],
      ['user delete API', () => agent.delete(`/api/users/${user.id}`).send({ confirmed: true })],
    ];
    for (const [what, send] of attempts) expect((await send()).status, what).toBe(403);
    expect((await agent.get('/api/session')).body.user).toMatchObject({ name: 'carol' });
    expect(await web().db.tag.count()).toBe(0);
    expect(await web().db.favorite.count()).toBe(0);
    expect(await web().db.bulkUpdateRequest.count()).toBe(0);
    expect(
      (await web().db.post.findUniqueOrThrow({ where: { id: post.id } })).deletionRequestedAt,
    ).toBeNull();
  });

  it('accepts the token in a form field, the X-CSRF-Token header and the X-XSRF-Token header', async () => {
    const user = await createUser(web().db, 'dan');
    const post = await web().db.post.create({ data: {} });
    const agent = request.agent(web().app);
    const token = await signIn(agent, user);

    await agent
      .post(`/posts/${post.id}/tags`)
      .type('form')
      .send({ tagString: 'a', _csrf: token })
      .expect(303);
    await agent
      .patch(`/api/posts/${post.id}`)
      .set('X-CSRF-Token', token)
      .send({ tagString: 'b' })
      .expect(200);
    await agent
      .patch(`/api/posts/${post.id}`)
      .set('X-XSRF-Token', token)
      .send({ tagString: 'c' })
      .expect(200);
  });

  it('lets GET requests through without a token and without creating a session', async () => {
    const res = await request(web().app).get('/posts').expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await apiToken(request.agent(web().app))).toMatch(/^[0-9a-f]{256}$/);
  });
});
