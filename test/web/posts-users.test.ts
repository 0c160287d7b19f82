import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { setPostTags } from '../../app/db/post.repository';
import { createUser, formToken, signIn, useWebApp } from './support';

const EVIL_TAG = '<script>alert(1)</script>';
const EVIL_USER = '"><img src=x onerror=alert(2)>';

describe('posts and users pages and JSON API', () => {
  const web = useWebApp({}, 'web-posts');

  async function post(tags: string[] = []) {
    const p = await web().db.post.create({ data: { md5: `md5-${Math.random()}`, score: 3 } });
    if (tags.length > 0) await setPostTags(web().db, p.id, tags);
    return p;
  }

  it('lists and shows posts with their tags, escaping tag names and uploader names', async () => {
    const uploader = await web().db.user.create({ data: { name: EVIL_USER } });
    const p = await web().db.post.create({ data: { md5: 'abc', uploaderId: uploader.id } });
    await setPostTags(web().db, p.id, ['smile', EVIL_TAG]);

    for (const path of ['/posts', `/posts/${p.id}`, '/users', `/users/${uploader.id}`]) {
      const res = await request(web().app).get(path).expect(200);
      expect(res.text, path).not.toContain('<script>alert(1)</script>');
      expect(res.text, path).not.toContain('<img src=x');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
    const show = await request(web().app).get(`/posts/${p.id}`);
    expect(show.text).toContain(
      '>&lt;script&gt;alert(1)&lt;/script&gt;</a><span class="count">1</span></li>',
    );
    expect(show.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
  });

  it('answers 404 for a missing post or user, as a page and as JSON', async () => {
    expect((await request(web().app).get('/posts/999')).status).toBe(404);
    expect((await request(web().app).get('/posts/abc')).status).toBe(404);
    expect((await request(web().app).get('/users/999')).status).toBe(404);
    const api = await request(web().app).get('/api/posts/999');
    expect(api.status).toBe(404);
    expect(api.body).toEqual({ error: 'no post 999' });
  });

  it('serves posts as JSON with tags and pagination', async () => {
    await post(['b_tag', 'a_tag']);
    const second = await post();
    const res = await request(web().app).get('/api/posts?limit=1').expect(200);
    expect(res.body).toMatchObject({ page: 1, perPage: 1, total: 2 });
    expect(res.body.posts).toHaveLength(1);
    expect(res.body.posts[0]).toMatchObject({ id: second.id, tags: [], tagString: '' });
    const page2 = await request(web().app).get('/api/posts?limit=1&page=2').expect(200);
    expect(page2.body.posts[0]).toMatchObject({
      tags: ['a_tag', 'b_tag'],
      tagString: 'a_tag b_tag',
      score: 3,
    });
  });

  it('sends anonymous visitors to sign in before editing tags (JSON: 401)', async () => {
    const p = await post(['x']);
    const res = await request(web().app).get(`/posts/${p.id}/edit`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`/posts/${p.id}/edit`)}`);
    const agent = request.agent(web().app);
    const token = (await agent.get('/api/session')).body.csrfToken as string;
    expect(
      (await agent.patch(`/api/posts/${p.id}`).set('X-CSRF-Token', token).send({ tagString: 'y' })).status,
    ).toBe(401);
  });

  it('edits tags through the form: normalized, sorted, deduplicated, tag counts kept', async () => {
    const p = await post(['old_tag']);
    const agent = request.agent(web().app);
    await signIn(agent, await createUser(web().db, 'editor'));
    const form = await agent.get(`/posts/${p.id}/edit`).expect(200);
    expect(form.text).toContain('>old_tag</textarea>');

    const res = await agent
      .post(`/posts/${p.id}/tags`)
      .type('form')
      .send({ tagString: ' Smile  1girl smile ', _csrf: formToken(form.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/posts/${p.id}`);
    const api = await request(web().app).get(`/api/posts/${p.id}`).expect(200);
    expect(api.body.tags).toEqual(['1girl', 'smile']);
    const tags = await web().db.tag.findMany({
      orderBy: { name: 'asc' },
      select: { name: true, postCount: true },
    });
    expect(tags).toEqual([
      { name: '1girl', postCount: 1 },
      { name: 'old_tag', postCount: 0 },
      { name: 'smile', postCount: 1 },
    ]);
  });

  it('stores the alias target plus its implied tags when an edit types an aliased tag', async () => {
    const db = web().db;
    await db.tagAlias.create({ data: { antecedentName: 'aaa', consequentName: 'bbb' } });
    await db.tagImplication.createMany({
      data: [
        { antecedentName: 'bbb', consequentName: 'ccc' },
        { antecedentName: 'ccc', consequentName: 'ddd' },
      ],
    });
    const p = await post(['smile']);
    const agent = request.agent(web().app);
    const token = await signIn(agent, await createUser(db, 'aliaser'));
    const res = await agent
      .post(`/posts/${p.id}/tags`)
      .type('form')
      .send({ tagString: 'smile AAA', _csrf: token });
    expect(res.status).toBe(303);
    const api = await request(web().app).get(`/api/posts/${p.id}`).expect(200);
    expect(api.body.tags).toEqual(['bbb', 'ccc', 'ddd', 'smile']);
    expect(await db.tag.findUnique({ where: { name: 'aaa' } })).toBeNull();
  });

  it("refuses adding a deprecated tag with 422 and Danbooru's message, and changes nothing", async () => {
    const db = web().db;
    await db.tag.create({ data: { name: 'obsolete', isDeprecated: true } });
    const p = await post(['keep']);
    const agent = request.agent(web().app);
    const token = await signIn(agent, await createUser(db, 'deprecator'));
    const res = await agent
      .patch(`/api/posts/${p.id}`)
      .set('X-CSRF-Token', token)
      .send({ tagString: 'keep obsolete' });
    expect(res.status).toBe(422);
    expect(res.body.fields.tagString).toBe(
      'The following tags are deprecated and could not be added: [[obsolete]]',
    );
    expect((await request(web().app).get(`/api/posts/${p.id}`)).body.tags).toEqual(['keep']);
  });

  it('refuses an invalid new tag with 422, the error shown escaped, and changes nothing', async () => {
    const p = await post(['keep']);
    const agent = request.agent(web().app);
    const token = await signIn(agent, await createUser(web().db, 'editor2'));
    const res = await agent
      .post(`/posts/${p.id}/tags`)
      .type('form')
      .send({ tagString: 'ok <b>,bad', _csrf: token });
    expect(res.status).toBe(422);
    expect(res.text).toContain('cannot contain commas');
    expect(res.text).not.toContain('<b>,bad');
    expect(res.text).toContain('ok &lt;b&gt;,bad</textarea>');
    const api = await agent
      .patch(`/api/posts/${p.id}`)
      .set('X-CSRF-Token', token)
      .send({ tagString: '-minus' });
    expect(api.status).toBe(422);
    expect(api.body.fields.tagString).toContain('begins with a dash');
    expect((await request(web().app).get(`/api/posts/${p.id}`)).body.tags).toEqual(['keep']);
  });

  it('edits tags through the JSON API', async () => {
    const p = await post();
    const agent = request.agent(web().app);
    const token = await signIn(agent, await createUser(web().db, 'apiuser'));
    const res = await agent
      .patch(`/api/posts/${p.id}`)
      .set('X-CSRF-Token', token)
      .send({ tagString: 'cat animal_focus' })
      .expect(200);
    expect(res.body.tagString).toBe('animal_focus cat');
  });

  it('lists users and shows one, as pages and JSON, never with a password hash', async () => {
    const user = await createUser(web().db, 'lister', 'builder');
    const p = await web().db.post.create({ data: { uploaderId: user.id } });
    await setPostTags(web().db, p.id, ['landscape']);

    const list = await request(web().app).get('/users').expect(200);
    expect(list.text).toContain(
      `<a href="/users/${user.id}">lister</a></td><td>builder</td><td class="num">1</td>`,
    );
    const show = await request(web().app).get(`/users/${user.id}`).expect(200);
    expect(show.text).toContain(
      `<li data-post-id="${p.id}"><a class="thumb" href="/posts/${p.id}" title="landscape"><span class="no-image">no image</span></a><span class="meta">#${p.id} · score 0 · g</span></li>`,
    );

    const apiList = await request(web().app).get('/api/users').expect(200);
    expect(apiList.body.users).toEqual([
      {
        id: user.id,
        name: 'lister',
        level: 'builder',
        createdAt: expect.any(String) as unknown,
        postCount: 1,
        favoriteCount: 0,
        deleted: false,
      },
    ]);
    const apiShow = await request(web().app).get(`/api/users/${user.id}`).expect(200);
    expect(apiShow.body).toMatchObject({
      id: user.id,
      name: 'lister',
      postCount: 1,
      posts: [{ id: p.id, tagString: 'landscape' }],
    });
    expect(JSON.stringify([apiList.body, apiShow.body])).not.toMatch(/passwordHash|scrypt/);
  });

  it('redirects / to the posts and answers an unknown path with 404', async () => {
    expect((await request(web().app).get('/')).headers.location).toBe('/posts');
    expect((await request(web().app).get('/nowhere')).status).toBe(404);
    expect((await request(web().app).get('/api/nowhere')).body).toEqual({ error: 'no page at /api/nowhere' });
  });
});
