import { beforeAll, describe, expect, it } from 'vitest';
import { installRecordLocator } from '../../../app/db/record-locator';
import { assertEnqueuedJobs, assertEnqueuedWith, performEnqueuedJobs } from '../../../app/framework/index';
import { changeTagCategory, TagNotFoundError } from '../../../app/services/tags/tag-category';
import { UpdateTagCategoryPostCountsJob } from '../../../jobs/update-tag-category-post-counts.job';
import { testPrisma, useFreshDatabase } from '../../support/database';
import { createPost, createUser, postCounts } from '../../jobs/fixtures';

const db = testPrisma();

beforeAll(() => installRecordLocator(db));
useFreshDatabase();

describe('changeTagCategory', () => {
  it('changes the category, logs it, and enqueues the post-count update that moves the posts to the new category', async () => {
    const moderator = await createUser(db, 'mod', { level: 'moderator' });
    const post = await createPost(db, ['hatsune_miku', 'smile']);

    const { tag, previous, changed } = await changeTagCategory(db, 'hatsune_miku', 'character', {
      actor: moderator,
    });

    expect({ category: tag.category, previous, changed }).toEqual({
      category: 'character',
      previous: 'general',
      changed: true,
    });
    expect(
      await db.modAction.findMany({
        select: { creatorId: true, category: true, description: true, subjectType: true, subjectId: true },
      }),
    ).toEqual([
      {
        creatorId: moderator.id,
        category: 'tag_category_change',
        description: 'changed the category of [[hatsune_miku]] from general to character',
        subjectType: 'Tag',
        subjectId: tag.id,
      },
    ]);
    expect(
      assertEnqueuedWith({ job: UpdateTagCategoryPostCountsJob, queue: 'default' }).job.serializedArguments,
    ).toEqual([{ _bl: 'Record', v: { model: 'Tag', id: tag.id } }]);

    await performEnqueuedJobs();
    expect(await postCounts(db, post.id)).toMatchObject({
      tagCount: 2,
      tagCountGeneral: 1,
      tagCountCharacter: 1,
    });
  });

  it('does nothing when the tag already has that category', async () => {
    await createPost(db, ['smile']);
    expect(await changeTagCategory(db, 'smile', 'general')).toMatchObject({
      changed: false,
      previous: 'general',
    });
    expect(await db.modAction.count()).toBe(0);
    assertEnqueuedJobs(0);
  });

  it('refuses an unknown tag', async () => {
    await expect(changeTagCategory(db, 'nope', 'meta')).rejects.toThrow(TagNotFoundError);
    assertEnqueuedJobs(0);
  });
});
