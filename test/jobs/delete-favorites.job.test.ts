import { beforeAll, describe, expect, it } from 'vitest';
import { addFavorite, deleteUserFavorites, removeFavorite } from '../../app/db/favorite.repository';
import { dbPool } from '../../app/db/pg-pool';
import { installRecordLocator } from '../../app/db/record-locator';
import { assertEnqueuedWith, performEnqueuedJobs } from '../../app/framework/index';
import { DeleteFavoritesJob } from '../../jobs/delete-favorites.job';
import { testPrisma, useFreshDatabase } from '../support/database';
import { createPost, createUser } from './fixtures';

const db = testPrisma();

beforeAll(() => installRecordLocator(db));
useFreshDatabase();

async function favCounts(): Promise<Record<number, number>> {
  const posts = await db.post.findMany({ select: { id: true, favCount: true }, orderBy: { id: 'asc' } });
  return Object.fromEntries(posts.map((p) => [p.id, p.favCount]));
}

describe('favorites and posts.fav_count', () => {
  it('moves the count with each favorite added or removed, once per pair', async () => {
    const [alice, bob] = [await createUser(db, 'alice'), await createUser(db, 'bob')];
    const post = await createPost(db);
    expect(await addFavorite(db, alice.id, post.id)).toBe(true);
    expect(await addFavorite(db, alice.id, post.id)).toBe(false);
    expect(await addFavorite(db, bob.id, post.id)).toBe(true);
    expect(await favCounts()).toEqual({ [post.id]: 2 });
    expect(await removeFavorite(db, alice.id, post.id)).toBe(true);
    expect(await removeFavorite(db, alice.id, post.id)).toBe(false);
    expect(await favCounts()).toEqual({ [post.id]: 1 });
  });

  it("deleteUserFavorites deletes only that user's favorites among the post ids, each once, and counts them", async () => {
    const [alice, bob] = [await createUser(db, 'alice'), await createUser(db, 'bob')];
    const [p1, p2, p3] = [await createPost(db), await createPost(db), await createPost(db)];
    await addFavorite(db, alice.id, p1.id);
    await addFavorite(db, alice.id, p2.id);
    await addFavorite(db, bob.id, p2.id);
    await addFavorite(db, bob.id, p3.id);
    expect(await deleteUserFavorites(dbPool(), alice.id, [p1.id, p2.id, p2.id, p3.id, 999_999])).toBe(2);
    expect(await favCounts()).toEqual({ [p1.id]: 0, [p2.id]: 1, [p3.id]: 1 });
    expect(await db.favorite.count({ where: { userId: bob.id } })).toBe(2);
  });
});

describe('DeleteFavoritesJob', () => {
  it("deletes the user's favorites in chunks and lowers each post's fav_count, leaving other users' favorites", async () => {
    const alice = await createUser(db, 'alice');
    const bob = await createUser(db, 'bob');
    const posts = [];
    for (let i = 0; i < 7; i++) posts.push(await createPost(db));
    for (const post of posts) await addFavorite(db, alice.id, post.id);
    for (const post of posts.slice(0, 3)) await addFavorite(db, bob.id, post.id);

    const result = await DeleteFavoritesJob.performNow(alice, 3);

    expect(result).toEqual({ userId: alice.id, deleted: 7 });
    expect(await db.favorite.count({ where: { userId: alice.id } })).toBe(0);
    expect(await db.favorite.count({ where: { userId: bob.id } })).toBe(3);
    expect(Object.values(await favCounts())).toEqual([1, 1, 1, 0, 0, 0, 0]);
  });

  it('does nothing for a user without favorites', async () => {
    const carol = await createUser(db, 'carol');
    expect(await DeleteFavoritesJob.performNow(carol)).toEqual({ userId: carol.id, deleted: 0 });
  });

  it('takes the user by reference and runs from the queue', async () => {
    const alice = await createUser(db, 'alice');
    const post = await createPost(db);
    await addFavorite(db, alice.id, post.id);
    const job = await DeleteFavoritesJob.performLater(alice);
    expect(job.serializedArguments?.[0]).toEqual({ _bl: 'Record', v: { model: 'User', id: alice.id } });
    assertEnqueuedWith({ job: DeleteFavoritesJob, queue: 'default' });
    expect(await performEnqueuedJobs()).toBe(1);
    expect(await db.favorite.count()).toBe(0);
    expect(await favCounts()).toEqual({ [post.id]: 0 });
  });
});
