/**
 * Tags (search, show), aliases and implications with their status, and favorites (add, remove, a
 * user's list). Deleting users and posts from the web is deletion.test.ts.
 */
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPostsWithTags } from '../services/bulk-update-request/processing-support';
import { createAliases, createImplications } from '../support/tag-fixtures';
import { createUser, formToken, signIn, useWebApp } from './support';

const EVIL_TAG = '<img_src=x_onerror=alert(1)>';

describe('tags, aliases and implications', () => {
  const web = useWebApp({}, 'web-tags');

  beforeEach(async () => {
    await createPostsWithTags(web().db, [['long_hair', 'smile'], ['long_hair'], ['short_hair', EVIL_TAG]]);
    await web().db.tag.update({
      where: { name: 'short_hair' },
      data: { category: 'general', isDeprecated: true },
    });
    await web().db.tag.update({ where: { name: 'smile' }, data: { category: 'meta' } });
    await createAliases(web().db, [
      ['longhair', 'long_hair'],
      ['old_hair', 'long_hair', 'deleted'],
      [EVIL_TAG, 'smile', 'pending'],
    ]);
    await createImplications(web().db, [
      ['long_hair', 'hair'],
      ['short_hair', 'hair', 'retired'],
    ]);
  });

  it('searches tags by a * pattern, category and order, as a page and JSON', async () => {
    const api = await request(web().app).get('/api/tags?name=*_hair&order=count').expect(200);
    expect(
      (api.body.tags as Array<{ name: string; postCount: number }>).map((t) => [t.name, t.postCount]),
    ).toEqual([
      ['long_hair', 2],
      ['short_hair', 1],
    ]);
    expect(api.body.total).toBe(2);
    const exact = await request(web().app).get('/api/tags?name=Long_Hair').expect(200);
    expect(exact.body.tags).toHaveLength(1);
    const meta = await request(web().app).get('/api/tags?category=meta').expect(200);
    expect((meta.body.tags as Array<{ name: string }>).map((t) => t.name)).toEqual(['smile']);
    const byName = await request(web().app).get('/api/tags?order=name&limit=2').expect(200);
    expect((byName.body.tags as Array<{ name: string }>).map((t) => t.name)).toEqual([EVIL_TAG, 'long_hair']);
    expect((await request(web().app).get('/api/tags?name=_')).body.tags).toEqual([]);
    expect((await request(web().app).get('/tags?category=bogus')).status).toBe(422);
    expect((await request(web().app).get('/api/tags?order=bogus')).status).toBe(422);

    const page = await request(web().app).get('/tags?name=*hair').expect(200);
    expect(page.text).toContain('class="tag tag-general">long_hair</a>');
    expect(page.text).toContain('short_hair</a> <span class="badge">deprecated</span>');
  });

  it('shows a tag with its aliases, implications and recent posts as thumbnails; names with markup are escaped', async () => {
    const tag = await web().db.tag.findUniqueOrThrow({ where: { name: 'long_hair' } });
    const page = await request(web().app).get(`/tags/${tag.id}`).expect(200);
    expect(page.text).toContain('<h1 class="tag-name">long_hair</h1>');
    expect(page.text).toMatch(
      /longhair<\/a> → <a [^>]+>long_hair<\/a> <span class="state state-active">active/,
    );
    expect(page.text).toMatch(
      /old_hair<\/a> → <a [^>]+>long_hair<\/a> <span class="state state-deleted">deleted/,
    );
    expect(page.text).toMatch(/long_hair<\/a> ⇒ <a [^>]+>hair<\/a>/);
    const grid = page.text.slice(page.text.indexOf('<h2>Recent posts</h2>'));
    expect(
      grid.match(/<li data-post-id="\d+"><a class="thumb" href="\/posts\/\d+" title="[^"]*long_hair/g),
    ).toHaveLength(2);
    const api = await request(web().app).get('/api/tags/long_hair').expect(200);
    expect(api.body.tag).toMatchObject({ name: 'long_hair', postCount: 2 });
    expect(api.body.posts).toHaveLength(2);

    const evil = await web().db.tag.findUniqueOrThrow({ where: { name: EVIL_TAG } });
    for (const path of [`/tags/${evil.id}`, '/tags', '/tag_aliases', '/posts']) {
      const res = await request(web().app).get(path).expect(200);
      expect(res.text, path).not.toContain('<img_src');
      expect(res.text, path).toContain('&lt;img_src=x_onerror=alert(1)&gt;');
    }
    expect((await request(web().app).get('/tags/999999')).status).toBe(404);
  });

  it('leads from a tag to every post with it: its post count and, past the recent ones, an "All N posts" link', async () => {
    const few = await web().db.tag.findUniqueOrThrow({ where: { name: 'long_hair' } });
    const page = await request(web().app).get(`/tags/${few.id}`).expect(200);
    expect(page.text).toContain('<dt>Posts</dt><dd><a href="/posts?tags=long_hair">2</a></dd>');
    expect(page.text).not.toContain('All 2 posts');

    await createPostsWithTags(
      web().db,
      Array.from({ length: 11 }, () => ['busy_tag']),
    );
    const busy = await web().db.tag.findUniqueOrThrow({ where: { name: 'busy_tag' } });
    const busyPage = await request(web().app).get(`/tags/${busy.id}`).expect(200);
    expect(busyPage.text).toContain('<a href="/posts?tags=busy_tag">All 11 posts tagged busy_tag</a>');
  });

  it('lists aliases and implications with their status, filtered by status and tag name', async () => {
    const aliases = await request(web().app).get('/api/tag_aliases').expect(200);
    expect(
      (aliases.body.aliases as Array<{ antecedentName: string; status: string }>).map((a) => [
        a.antecedentName,
        a.status,
      ]),
    ).toEqual([
      [EVIL_TAG, 'pending'],
      ['old_hair', 'deleted'],
      ['longhair', 'active'],
    ]);
    const active = await request(web().app).get('/api/tag_aliases?status=active').expect(200);
    expect(active.body.total).toBe(1);
    const named = await request(web().app).get('/api/tag_implications?name=short*').expect(200);
    expect(
      (named.body.implications as Array<{ antecedentName: string; status: string }>).map((i) => [
        i.antecedentName,
        i.status,
      ]),
    ).toEqual([['short_hair', 'retired']]);
    const page = await request(web().app).get('/tag_implications').expect(200);
    expect(page.text).toContain('<span class="state state-retired">retired</span>');
    expect((await request(web().app).get('/tag_aliases?status=bogus')).status).toBe(422);
  });
});

describe('favorites', () => {
  const web = useWebApp({}, 'web-favorites');

  it("adds and removes a favorite on a post (forms and JSON), keeps fav_count, lists a user's favorites", async () => {
    const [first, second] = await createPostsWithTags(web().db, [['a'], ['b']]);
    const user = await createUser(web().db, 'fan', 'member');
    const agent = request.agent(web().app);
    const token = await signIn(agent, user);

    const post = await agent.get(`/posts/${first}`).expect(200);
    expect(post.text).toContain('data-favorited="no"');
    await agent
      .post('/favorites')
      .type('form')
      .send({ _csrf: formToken(post.text), postId: String(first) })
      .expect(303);
    const after = await agent.get(`/posts/${first}`).expect(200);
    expect(after.text).toContain('data-favorited="yes"');
    expect(after.text).toContain('<span data-fav-count>1</span>');
    expect(after.text).toContain(`action="/favorites/${first}/delete"`);

    expect(
      (await agent.post('/api/favorites').set('X-CSRF-Token', token).send({ postId: second })).status,
    ).toBe(201);
    expect(
      (await agent.post('/api/favorites').set('X-CSRF-Token', token).send({ postId: second })).status,
    ).toBe(200);
    expect((await agent.post('/api/favorites').set('X-CSRF-Token', token).send({ postId: 'x' })).status).toBe(
      422,
    );
    expect((await agent.post('/api/favorites').set('X-CSRF-Token', token).send({ postId: 999 })).status).toBe(
      404,
    );

    const list = await request(web().app).get(`/api/users/${user.id}/favorites`).expect(200);
    expect(
      (list.body.posts as Array<{ id: number; favCount: number }>).map((p) => [p.id, p.favCount]),
    ).toEqual([
      [second, 1],
      [first, 1],
    ]);
    const page = await request(web().app).get(`/users/${user.id}/favorites`).expect(200);
    expect(page.text).toMatch(
      new RegExp(
        `<li data-post-id="${second}"><a class="thumb" href="/posts/${second}" title="b">.*<li data-post-id="${first}">`,
        's',
      ),
    );

    await agent.post(`/favorites/${first}/delete`).type('form').send({ _csrf: token }).expect(303);
    const removed = await agent.delete(`/api/favorites/${second}`).set('X-CSRF-Token', token).expect(200);
    expect(removed.body).toEqual({ postId: second, favorited: false, favCount: 0 });
    expect(await web().db.favorite.count()).toBe(0);
    expect((await web().db.post.findUniqueOrThrow({ where: { id: first ?? 0 } })).favCount).toBe(0);
  });

  it('sends anonymous visitors to sign in, and refuses without a CSRF token', async () => {
    const [id] = await createPostsWithTags(web().db, [['a']]);
    expect((await request(web().app).post('/api/favorites').send({ postId: id })).status).toBe(403);
    const agent = request.agent(web().app);
    await signIn(agent, await createUser(web().db, 'nocsrf'));
    expect(
      (
        await agent
          .post('/favorites')
          .type('form')
          .send({ postId: String(id) })
      ).status,
    ).toBe(403);
    const anon = request.agent(web().app);
    const token = (await anon.get('/api/session')).body.csrfToken as string;
    expect((await anon.post('/api/favorites').set('X-CSRF-Token', token).send({ postId: id })).status).toBe(
      401,
    );
  });
});
