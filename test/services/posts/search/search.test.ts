import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPostTags } from '../../../../app/db/post.repository';
import { MAX_PAGE, searchPosts, SearchQueryError } from '../../../../app/services/posts/search/index';
import { closeDbPool, dbPool } from '../../../../app/db/pg-pool';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../../support/database';

const db = testPrisma();
const ids: Record<string, number> = {};

async function post(
  name: string,
  tags: string[],
  data: { score?: number; favCount?: number; rating?: 'g' | 's' | 'q' | 'e' } = {},
) {
  const row = await db.post.create({ data });
  await setPostTags(db, row.id, tags);
  ids[name] = row.id;
}

async function find(query: string, perPage = 50): Promise<string[]> {
  const result = await searchPosts(dbPool(), query, { page: 1, perPage });
  const names = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
  return result.ids.map((id) => names.get(id) ?? `#${id}`);
}

beforeAll(async () => {
  await truncateAll(db);
  await post('a', ['cat', 'red', 'long_hair'], { score: 5, favCount: 1, rating: 'g' });
  await post('b', ['cat', 'blue', 'short_hair'], { score: 9, favCount: 3, rating: 's' });
  await post('c', ['dog', 'red', 'long_hair'], { score: 1, favCount: 7, rating: 'e' });
  await post('d', ['dog', 'green'], { score: 9, favCount: 0, rating: 'g' });
  await db.tagAlias.create({ data: { antecedentName: 'kitty', consequentName: 'cat', status: 'active' } });
  await db.tagAlias.create({ data: { antecedentName: 'puppy', consequentName: 'dog', status: 'pending' } });
  await db.tag.create({ data: { name: 'long_unused' } }); // no posts: wildcards skip it
});
afterAll(async () => {
  await closeDbPool();
  await disconnectTestPrisma();
});

describe('searchPosts', () => {
  it('finds every post newest first without tags, and the posts with all the tags (AND)', async () => {
    expect(await find('')).toEqual(['d', 'c', 'b', 'a']);
    expect(await find('cat')).toEqual(['b', 'a']);
    expect(await find('red long_hair')).toEqual(['c', 'a']);
    expect(await find('cat dog')).toEqual([]);
  });

  it('leaves out posts with a -tag (NOT), and ignores a -tag that does not exist', async () => {
    expect(await find('cat -blue')).toEqual(['a']);
    expect(await find('-red')).toEqual(['d', 'b']);
    expect(await find('cat -no_such_tag')).toEqual(['b', 'a']);
  });

  it('takes any of the ~tags (OR), together with the other terms', async () => {
    expect(await find('~blue ~green')).toEqual(['d', 'b']);
    expect(await find('~blue ~green dog')).toEqual(['d']);
    expect(await find('~no_such ~blue')).toEqual(['b']);
    expect(await find('~no_such ~nothing')).toEqual([]);
  });

  it('expands tag* to the tags with posts that match (OR), and -tag* excludes them all', async () => {
    expect(await find('*_hair')).toEqual(['c', 'b', 'a']);
    expect(await find('long_*')).toEqual(['c', 'a']);
    expect(await find('-*_hair')).toEqual(['d']);
    expect(await find('zzz*')).toEqual([]);
    expect(await find('long\\_*')).toEqual([]); // \ and % are literal, not LIKE syntax
  });

  it('finds nothing for a tag that does not exist, without error', async () => {
    expect(await find('no_such_tag')).toEqual([]);
    expect((await searchPosts(dbPool(), 'no_such_tag', { page: 1, perPage: 20 })).total).toBe(0);
  });

  it('resolves an active alias to its consequent; a pending alias does nothing', async () => {
    expect(await find('kitty')).toEqual(['b', 'a']);
    expect(await find('kitty -red')).toEqual(['b']);
    expect(await find('~kitty ~green')).toEqual(['d', 'b', 'a']);
    expect(await find('puppy')).toEqual([]);
  });

  it('orders by score, favcount or id, ties broken by id in the same direction', async () => {
    expect(await find('order:score')).toEqual(['d', 'b', 'a', 'c']);
    expect(await find('order:score_asc')).toEqual(['c', 'a', 'b', 'd']);
    expect(await find('order:favcount')).toEqual(['c', 'b', 'a', 'd']);
    expect(await find('order:fav')).toEqual(['c', 'b', 'a', 'd']);
    expect(await find('order:favcount_asc')).toEqual(['d', 'a', 'b', 'c']);
    expect(await find('order:id')).toEqual(['a', 'b', 'c', 'd']);
    expect(await find('cat order:score')).toEqual(['b', 'a']);
  });

  it('filters by rating: and -rating:', async () => {
    expect(await find('rating:g')).toEqual(['d', 'a']);
    expect(await find('rating:g,s cat')).toEqual(['b', 'a']);
    expect(await find('-rating:e red')).toEqual(['a']);
  });

  it('pages the results and counts them all, with the query written back', async () => {
    const first = await searchPosts(dbPool(), 'ORDER:ID  red', { page: 1, perPage: 1 });
    expect(first).toMatchObject({ total: 2, totalIsExact: true, query: 'red order:id', page: 1, perPage: 1 });
    expect(first.ids).toEqual([ids.a]);
    expect((await searchPosts(dbPool(), 'red order:id', { page: 2, perPage: 1 })).ids).toEqual([ids.c]);
    expect((await searchPosts(dbPool(), 'red', { page: 3, perPage: 1 })).ids).toEqual([]);
  });

  it('refuses a page past the last one Danbooru serves, and a bad metatag', async () => {
    await expect(searchPosts(dbPool(), 'cat', { page: MAX_PAGE + 1, perPage: 20 })).rejects.toThrow(
      `You cannot go beyond page ${MAX_PAGE}: narrow your search terms`,
    );
    await expect(searchPosts(dbPool(), 'order:nope', { page: 1, perPage: 20 })).rejects.toBeInstanceOf(
      SearchQueryError,
    );
  });
});
