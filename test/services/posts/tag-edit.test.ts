/**
 * editPostTags: the one path a post's tags change by (post edits and uploads' new posts), through
 * Danbooru's tag rules (app/services/tags/tag-edit.ts), against the real database.
 */
import { describe, expect, it } from 'vitest';
import { tagNamesByPost } from '../../../app/db/post.repository';
import { checkTagEdit, editPostTags, InvalidTagEditError } from '../../../app/services/posts/tag-edit';
import { testPrisma, useFreshDatabase } from '../../support/database';
import { createAliases, createImplications, createTags } from '../../support/tag-fixtures';
import { postCounts } from '../../jobs/fixtures';

const db = testPrisma();
useFreshDatabase();

describe('editPostTags', () => {
  it("stores the alias target and the implied tags, with post counts and the post's cached counts", async () => {
    await createTags(db, [{ name: 'cat_ears', category: 'general', postCount: 0 }]);
    await createAliases(db, [['nekomimi', 'cat_ears']]);
    await createImplications(db, [['cat_ears', 'animal_ears']]);
    const post = await db.post.create({ data: {} });

    const tags = await editPostTags(db, post.id, ' Nekomimi  smile ');

    expect(tags).toEqual(['animal_ears', 'cat_ears', 'smile']);
    expect((await tagNamesByPost(db, [post.id])).get(post.id)).toEqual(tags);
    expect(
      await db.tag.findMany({ orderBy: { name: 'asc' }, select: { name: true, postCount: true } }),
    ).toEqual([
      { name: 'animal_ears', postCount: 1 },
      { name: 'cat_ears', postCount: 1 },
      { name: 'smile', postCount: 1 },
    ]);
    expect(await postCounts(db, post.id)).toMatchObject({ tagCount: 3, tagCountGeneral: 3 });
  });

  it('keeps an implied tag the edit removed while a kept tag implies it, as Danbooru re-adds it', async () => {
    await createImplications(db, [['cat_ears', 'animal_ears']]);
    const post = await db.post.create({ data: {} });
    await editPostTags(db, post.id, 'cat_ears');

    expect(await editPostTags(db, post.id, 'cat_ears smile')).toEqual(['animal_ears', 'cat_ears', 'smile']);
  });

  it("refuses a deprecated tag with Danbooru's text and leaves the post's tags as they were", async () => {
    await createTags(db, [{ name: 'obsolete', isDeprecated: true }]);
    const post = await db.post.create({ data: {} });
    await editPostTags(db, post.id, 'smile');

    await expect(editPostTags(db, post.id, 'smile obsolete')).rejects.toThrow(
      new InvalidTagEditError('The following tags are deprecated and could not be added: [[obsolete]]'),
    );
    expect((await tagNamesByPost(db, [post.id])).get(post.id)).toEqual(['smile']);
  });

  it("checks a new post's tags without writing anything (the upload request's check)", async () => {
    await createAliases(db, [['nekomimi', 'cat_ears']]);

    expect(await checkTagEdit(db, 'nekomimi')).toEqual(['cat_ears']);
    await expect(checkTagEdit(db, 'order:score')).rejects.toThrow(InvalidTagEditError);
    expect(await db.tag.count({ where: { name: 'cat_ears' } })).toBe(0);
  });
});
