import { describe, expect, it } from 'vitest';
import { tagNamesByPost } from '../../../app/db/post.repository';
import { TagEditError } from '../../../app/services/tags/tag-edit';
import { createPostWithTags } from '../../../app/services/uploads/post-creation';
import { testPrisma, useFreshDatabase } from '../../support/database';
import { createAliases, createImplications, createTags } from '../../support/tag-fixtures';
import { createUser, postCounts } from '../../jobs/fixtures';

const db = testPrisma();
useFreshDatabase();

describe('createPostWithTags: an upload becomes a post through the tag rules', () => {
  it("stores the alias target and the implied tags, with post counts and the post's cached counts", async () => {
    const uploader = await createUser(db, 'uploader');
    await createTags(db, [{ name: 'cat_ears', category: 'general', postCount: 0 }]);
    await createAliases(db, [['nekomimi', 'cat_ears']]);
    await createImplications(db, [['cat_ears', 'animal_ears']]);

    const { post, tags } = await createPostWithTags(db, {
      uploaderId: uploader.id,
      md5: 'f'.repeat(32),
      tagString: ' Nekomimi  smile ',
    });

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

  it('refuses a deprecated tag and creates no post', async () => {
    await createTags(db, [{ name: 'obsolete', isDeprecated: true }]);
    await expect(
      createPostWithTags(db, { uploaderId: null, md5: null, tagString: 'smile obsolete' }),
    ).rejects.toThrow(TagEditError);
    expect(await db.post.count()).toBe(0);
  });
});
