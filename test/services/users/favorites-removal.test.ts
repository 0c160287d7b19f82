/**
 * deleteAllFavoritesOf on the real test database: every favorite of one user goes, one DELETE
 * statement per chunk of post ids (deleteManyWith, the user id bound as $2), with posts.fav_count
 * lowered in the same statement; other users' favorites and counts stay.
 */
import { describe, expect, it } from 'vitest';
import { DELETE_USER_FAVORITES_STATEMENT, FAVORITES_CHUNK_SIZE } from '../../../app/db/favorite.repository';
import { deleteAllFavoritesOf } from '../../../app/services/users/favorites-removal';
import { countingPool, deletes } from '../../support/counting-pool';
import { testPrisma, useFreshDatabase, useTestPool } from '../../support/database';
import { createUser } from '../../jobs/fixtures';

const db = testPrisma();
const pool = useTestPool();
useFreshDatabase();

/** `n` posts, ids ascending. */
async function insertPosts(n: number): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    INSERT INTO posts (updated_at) SELECT now() FROM generate_series(1, ${n}::int) RETURNING id`;
  return rows.map((r) => r.id);
}

/** `userId` favorites each of `postIds`, and every post's fav_count is set to its true count. */
async function favorite(userId: number, postIds: readonly number[]): Promise<void> {
  await db.$executeRaw`INSERT INTO favorites (user_id, post_id) SELECT ${userId}::int, unnest(${[...postIds]}::int[])`;
  await db.$executeRaw`UPDATE posts p SET fav_count = (SELECT count(*) FROM favorites f WHERE f.post_id = p.id)`;
}

/** Posts whose fav_count differs from their favorites. */
async function wrongFavCounts(): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM posts p WHERE p.fav_count <> (SELECT count(*) FROM favorites f WHERE f.post_id = p.id)`;
  return rows[0]?.n ?? -1;
}

async function favCountTotals(): Promise<Record<number, number>> {
  const rows = await db.$queryRaw<{ fav_count: number; n: number }[]>`
    SELECT fav_count, count(*)::int AS n FROM posts GROUP BY fav_count ORDER BY fav_count`;
  return Object.fromEntries(rows.map((r) => [r.fav_count, r.n]));
}

describe('deleteAllFavoritesOf', () => {
  it("2,500 favorites at batch 1,000: 3 DELETE statements, each lowering its posts' fav_count; other users' favorites stay", async () => {
    const [alice, bob] = [await createUser(db, 'alice'), await createUser(db, 'bob')];
    const posts = await insertPosts(2_600);
    await favorite(alice.id, posts.slice(0, 2_500));
    await favorite(bob.id, posts.slice(2_000));
    expect(await favCountTotals()).toEqual({ 1: 2_100, 2: 500 });
    const { pool: counted, seen } = countingPool(pool());
    const progress: number[] = [];

    const deleted = await deleteAllFavoritesOf(counted, alice.id, {
      batchSize: 1_000,
      onProgress: (done) => void progress.push(done),
    });

    expect(deleted).toBe(2_500);
    expect(deletes(seen)).toEqual(Array(3).fill(DELETE_USER_FAVORITES_STATEMENT));
    expect(seen.statements).toHaveLength(3);
    expect(seen.reads).toHaveLength(3);
    expect(progress).toEqual([1_000, 2_000, 2_500]);
    expect(await db.favorite.count({ where: { userId: alice.id } })).toBe(0);
    expect(await db.favorite.count({ where: { userId: bob.id } })).toBe(600);
    expect(await favCountTotals()).toEqual({ 0: 2_000, 1: 600 });
    expect(await wrongFavCounts()).toBe(0);
  });

  it('deletes 1,000 favorites per statement by default; a user without favorites costs one select and no DELETE', async () => {
    expect(FAVORITES_CHUNK_SIZE).toBe(1_000);
    const [alice, carol] = [await createUser(db, 'alice'), await createUser(db, 'carol')];
    await favorite(alice.id, await insertPosts(1_001));
    const { pool: counted, seen } = countingPool(pool());
    expect(await deleteAllFavoritesOf(counted, alice.id)).toBe(1_001);
    expect(deletes(seen)).toHaveLength(2);
    expect(await wrongFavCounts()).toBe(0);

    const empty = countingPool(pool());
    expect(await deleteAllFavoritesOf(empty.pool, carol.id)).toBe(0);
    expect(empty.seen).toMatchObject({
      connections: 0,
      statements: [],
      reads: [expect.stringContaining('SELECT post_id FROM favorites')],
    });
  });

  it('checks the signal before each chunk: an abort stops it between chunks, the counts right for what went', async () => {
    const alice = await createUser(db, 'alice');
    await favorite(alice.id, await insertPosts(30));
    const controller = new AbortController();
    const { pool: counted, seen } = countingPool(pool());
    const run = deleteAllFavoritesOf(counted, alice.id, {
      batchSize: 10,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('canceled')),
    });
    await expect(run).rejects.toThrow('canceled');
    expect(deletes(seen)).toHaveLength(1);
    expect(await db.favorite.count()).toBe(20);
    expect(await wrongFavCounts()).toBe(0);
  });
});
