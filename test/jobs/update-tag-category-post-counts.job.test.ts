import { beforeAll, describe, expect, it } from 'vitest';
import { refreshPostTagCounts } from '../../app/db/post-counts.repository';
import { installRecordLocator } from '../../app/db/record-locator';
import { UpdateTagCategoryPostCountsJob } from '../../jobs/update-tag-category-post-counts.job';
import { testPrisma, useFreshDatabase } from '../support/database';
import { createPost, postCounts } from './fixtures';

const db = testPrisma();

beforeAll(() => installRecordLocator(db));
useFreshDatabase();

const zero = {
  favCount: 0,
  tagCount: 0,
  tagCountGeneral: 0,
  tagCountArtist: 0,
  tagCountCopyright: 0,
  tagCountCharacter: 0,
  tagCountMeta: 0,
};

describe('UpdateTagCategoryPostCountsJob', () => {
  it('recomputes the per-category tag counts of every post of the tag, in chunks, and of no other post', async () => {
    const withTag = [];
    for (let i = 0; i < 5; i++)
      withTag.push(await createPost(db, ['kancolle', 'smile', ...(i % 2 ? ['artist_x'] : [])]));
    const without = await createPost(db, ['smile', 'artist_x']);
    await db.tag.update({ where: { name: 'artist_x' }, data: { category: 'artist' } });
    await refreshPostTagCounts(db, [...withTag.map((p) => p.id), without.id]);
    expect(await postCounts(db, withTag[1]!.id)).toEqual({
      ...zero,
      tagCount: 3,
      tagCountGeneral: 2,
      tagCountArtist: 1,
    });

    const tag = await db.tag.update({ where: { name: 'kancolle' }, data: { category: 'copyright' } });
    const result = await UpdateTagCategoryPostCountsJob.performNow(tag, 2);

    expect(result).toEqual({ tagId: tag.id, postsScanned: 5, postsUpdated: 5 });
    expect(await postCounts(db, withTag[0]!.id)).toEqual({
      ...zero,
      tagCount: 2,
      tagCountGeneral: 1,
      tagCountCopyright: 1,
    });
    expect(await postCounts(db, withTag[1]!.id)).toEqual({
      ...zero,
      tagCount: 3,
      tagCountGeneral: 1,
      tagCountArtist: 1,
      tagCountCopyright: 1,
    });
    expect(await postCounts(db, without.id)).toEqual({
      ...zero,
      tagCount: 2,
      tagCountGeneral: 1,
      tagCountArtist: 1,
    });
  });

  it('rewrites nothing when the counts are already right, and does not touch updated_at', async () => {
    const post = await createPost(db, ['a', 'b']);
    await refreshPostTagCounts(db, [post.id]);
    const before = await db.post.findUniqueOrThrow({ where: { id: post.id } });
    const tag = await db.tag.findUniqueOrThrow({ where: { name: 'a' } });
    expect(await UpdateTagCategoryPostCountsJob.performNow(tag)).toEqual({
      tagId: tag.id,
      postsScanned: 1,
      postsUpdated: 0,
    });

    await db.tag.update({ where: { id: tag.id }, data: { category: 'meta' } });
    expect(await UpdateTagCategoryPostCountsJob.performNow(tag)).toMatchObject({ postsUpdated: 1 });
    const after = await db.post.findUniqueOrThrow({ where: { id: post.id } });
    expect(after).toMatchObject({ tagCountMeta: 1, tagCountGeneral: 1, updatedAt: before.updatedAt });
  });

  it('handles a tag without posts', async () => {
    const tag = await db.tag.create({ data: { name: 'lonely' } });
    expect(await UpdateTagCategoryPostCountsJob.performNow(tag)).toEqual({
      tagId: tag.id,
      postsScanned: 0,
      postsUpdated: 0,
    });
  });
});
