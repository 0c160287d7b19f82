import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { setPostTags, tagNamesByPost, tagString } from '../../app/db/post.repository';
import { recountTagPostCounts } from '../../app/db/tag.repository';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';

const db = testPrisma();

beforeEach(() => truncateAll());
afterAll(() => disconnectTestPrisma());

async function counts(): Promise<Record<string, number>> {
  return Object.fromEntries(
    (await db.tag.findMany({ orderBy: { name: 'asc' } })).map((tag) => [tag.name, tag.postCount]),
  );
}

describe('setPostTags', () => {
  it("creates missing tags, replaces the post's tags and moves post counts by one", async () => {
    const [first, second] = await db.post.createManyAndReturn({ data: [{ md5: 'p1' }, { md5: 'p2' }] });

    expect(await setPostTags(db, first!.id, ['smile', '1girl', 'smile'])).toEqual(['1girl', 'smile']);
    await setPostTags(db, second!.id, ['1girl', 'solo']);
    expect(await counts()).toEqual({ '1girl': 2, smile: 1, solo: 1 });

    await setPostTags(db, first!.id, ['solo', 'blush']);
    expect(await counts()).toEqual({ '1girl': 1, blush: 1, smile: 0, solo: 2 });
    expect(await recountTagPostCounts(db)).toBe(0);

    const names = await tagNamesByPost(db, [first!.id, second!.id, 999]);
    expect(names).toEqual(
      new Map([
        [first!.id, ['blush', 'solo']],
        [second!.id, ['1girl', 'solo']],
        [999, []],
      ]),
    );
  });

  it("leaves counts alone when nothing changes, and empties a post's tags", async () => {
    const post = await db.post.create({ data: { md5: 'p' } });
    await setPostTags(db, post.id, ['a', 'b']);
    await setPostTags(db, post.id, ['b', 'a']);
    expect(await counts()).toEqual({ a: 1, b: 1 });

    await setPostTags(db, post.id, []);
    expect(await counts()).toEqual({ a: 0, b: 0 });
    expect((await tagNamesByPost(db, [post.id])).get(post.id)).toEqual([]);
  });
});

describe('tagString', () => {
  it('sorts and joins names with single spaces', () => {
    expect(tagString(['smile', '1girl', 'blush'])).toBe('1girl blush smile');
    expect(tagString([])).toBe('');
  });
});
