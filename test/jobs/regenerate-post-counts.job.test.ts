import { describe, expect, it } from 'vitest';
import { addFavorite } from '../../app/db/favorite.repository';
import { RegeneratePostCountsJob } from '../../jobs/regenerate-post-counts.job';
import { testPrisma, useFreshDatabase } from '../support/database';
import { createPost, createUser, postCounts } from './fixtures';

const db = testPrisma();

useFreshDatabase();

describe('RegeneratePostCountsJob', () => {
  it("fixes wrong tag post counts and posts' cached counts, and only those", async () => {
    const alice = await createUser(db, 'alice');
    const posts = [];
    for (let i = 0; i < 12; i++) posts.push(await createPost(db, ['cat', ...(i < 4 ? ['artist_y'] : [])]));
    await db.tag.update({ where: { name: 'artist_y' }, data: { category: 'artist' } });
    await addFavorite(db, alice.id, posts[0]!.id);
    const untouched = await db.tag.create({ data: { name: 'unused', postCount: 0 } });
    // Counts gone wrong: tags' post_count, a fav_count, and every post's tag counts (setPostTags leaves them 0).
    await db.tag.update({ where: { name: 'cat' }, data: { postCount: 3 } });
    await db.tag.update({ where: { name: 'artist_y' }, data: { postCount: 40 } });
    await db.post.update({ where: { id: posts[5]!.id }, data: { favCount: 9 } });
    const tagUpdatedAt = (await db.tag.findUniqueOrThrow({ where: { id: untouched.id } })).updatedAt;

    const result = await RegeneratePostCountsJob.performNow(5);

    expect(result).toEqual({ tagsFixed: 2, postsFixed: 12 });
    expect(
      await db.tag.findMany({ select: { name: true, postCount: true }, orderBy: { name: 'asc' } }),
    ).toEqual([
      { name: 'artist_y', postCount: 4 },
      { name: 'cat', postCount: 12 },
      { name: 'unused', postCount: 0 },
    ]);
    expect((await db.tag.findUniqueOrThrow({ where: { id: untouched.id } })).updatedAt).toEqual(tagUpdatedAt);
    expect(await postCounts(db, posts[0]!.id)).toMatchObject({
      favCount: 1,
      tagCount: 2,
      tagCountGeneral: 1,
      tagCountArtist: 1,
    });
    expect(await postCounts(db, posts[5]!.id)).toMatchObject({
      favCount: 0,
      tagCount: 1,
      tagCountGeneral: 1,
      tagCountArtist: 0,
    });

    expect(await RegeneratePostCountsJob.performNow(5)).toEqual({ tagsFixed: 0, postsFixed: 0 });
  });

  it('runs on an empty database', async () => {
    expect(await RegeneratePostCountsJob.performNow()).toEqual({ tagsFixed: 0, postsFixed: 0 });
  });
});
