import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { setPostTags } from '../../app/db/post.repository';
import { useWebApp } from './support';

describe('/posts and /api/posts search', () => {
  const web = useWebApp({}, 'web-posts-search');

  async function post(tags: string[], data: { score?: number; fileExt?: string } = {}) {
    const p = await web().db.post.create({ data });
    await setPostTags(web().db, p.id, tags);
    return p;
  }

  it('shows a grid of thumbnails (or "no image") with the search box holding the query', async () => {
    const withImage = await post(['cat'], { fileExt: 'png' });
    const without = await post(['cat', 'dog']);
    const res = await request(web().app).get('/posts?tags=cat').expect(200);
    expect(res.text).toContain('<ul class="post-grid">');
    expect(res.text).toContain(`<img src="/data/posts/${withImage.id}/thumbnail.webp"`);
    expect(res.text).toContain(
      `<li data-post-id="${without.id}"><a class="thumb" href="/posts/${without.id}" title="cat dog"><span class="no-image">`,
    );
    expect(res.text).toContain('name="tags" value="cat"');
  });

  it('takes the same query as JSON, and pages it keeping the query in the links', async () => {
    const a = await post(['cat'], { score: 1 });
    const b = await post(['cat', 'red'], { score: 5 });
    await post(['dog']);
    const json = await request(web().app).get('/api/posts?tags=cat+order:score&limit=1').expect(200);
    expect(json.body).toMatchObject({ tags: 'cat order:score', total: 2, totalIsExact: true, perPage: 1 });
    expect(json.body.posts.map((p: { id: number }) => p.id)).toEqual([b.id]);
    expect((await request(web().app).get('/api/posts?tags=cat+-red').expect(200)).body.posts).toMatchObject([
      { id: a.id },
    ]);
    const page = await request(web().app).get('/posts?tags=~cat+~dog').expect(200);
    expect(page.text).toContain('(3 posts)');
  });

  it('counts one match in the singular under the grid and under every other list', async () => {
    await post(['lonely_tag']);
    const posts = await request(web().app).get('/posts?tags=lonely_tag').expect(200);
    expect(posts.text).toContain('(1 post)');
    const tags = await request(web().app).get('/tags?name=lonely_tag').expect(200);
    expect(tags.text).toContain('(1 tag)');
    const aliases = await request(web().app).get('/tag_aliases').expect(200);
    expect(aliases.text).toContain('(0 aliases)');
  });

  it('answers a search it cannot run with 422 and the reason, as a page and as JSON', async () => {
    const page = await request(web().app).get('/posts?tags=order:sideways');
    expect(page.status).toBe(422);
    expect(page.text).toContain('&quot;order:sideways&quot; is not an order');
    expect(page.text).not.toContain('No posts found.');
    expect(page.text).not.toContain('class="pager"');
    const json = await request(web().app).get('/api/posts?tags=a+b+c+d+e+f+g');
    expect(json.status).toBe(422);
    expect(json.body).toEqual({
      error: 'You cannot search for more than 6 tags at a time',
      fields: { tags: 'You cannot search for more than 6 tags at a time' },
    });
  });

  it('names a post’s rating in words, as the upload form does, with the letter its search takes', async () => {
    const p = await web().db.post.create({ data: { rating: 'q' } });
    const res = await request(web().app).get(`/posts/${p.id}`).expect(200);
    expect(res.text).toContain('<dt>Rating</dt><dd>questionable (q)</dd>');
  });

  it('shows a post’s tags grouped by category in Danbooru’s order, each linking to its search', async () => {
    const p = await post(['smile', 'some_artist', 'touhou', 'reimu', 'highres']);
    const categories = {
      some_artist: 'artist',
      touhou: 'copyright',
      reimu: 'character',
      highres: 'meta',
    } as const;
    for (const [name, category] of Object.entries(categories))
      await web().db.tag.update({ where: { name }, data: { category } });
    const res = await request(web().app).get(`/posts/${p.id}`).expect(200);
    const order = ['artist', 'copyright', 'character', 'general', 'meta'].map((c) =>
      res.text.indexOf(`class="tag-group tag-${c}"`),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(res.text).toContain('<a href="/posts?tags=reimu">reimu</a><span class="count">1</span>');
  });
});
