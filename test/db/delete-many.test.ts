import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DELETE_CHUNK_SIZE,
  deleteMany,
  deleteManyWith,
  DeleteManyError,
  deleteStatement,
} from '../../app/db/delete-many';
import { deleteManyPosts, setPostTags } from '../../app/db/post.repository';
import { deleteManyUploads } from '../../app/db/upload.repository';
import { deleteManyUsers } from '../../app/db/user.repository';
import { countingPool } from '../support/counting-pool';
import { disconnectTestPrisma, testPrisma, truncateAll, useTestPool } from '../support/database';

describe('deleteMany (real PostgreSQL)', () => {
  const db = testPrisma();
  const pool = useTestPool();
  beforeEach(() => truncateAll());
  afterAll(async () => {
    await disconnectTestPrisma();
  });

  async function insertPosts(n: number): Promise<number[]> {
    const rows = await db.$queryRaw<{ id: number }[]>`
      INSERT INTO posts (updated_at) SELECT now() FROM generate_series(1, ${n}::int) RETURNING id`;
    return rows.map((r) => r.id);
  }

  async function insertUploads(n: number): Promise<number[]> {
    const rows = await db.$queryRaw<{ id: number }[]>`
      INSERT INTO uploads (source_file, updated_at) SELECT 'uploads/' || g || '.jpg', now() FROM generate_series(1, ${n}::int) g RETURNING id`;
    return rows.map((r) => r.id);
  }

  it('issues one DELETE ... = ANY($1) statement per chunk, all on one connection, and returns the count', async () => {
    const ids = await insertUploads(25);
    const { pool: wrapped, seen } = countingPool(pool());
    const deleted = await deleteMany(wrapped, 'uploads', ids, { chunkSize: 10 });
    expect(deleted).toBe(25);
    expect(seen.statements).toEqual([
      deleteStatement('uploads'),
      deleteStatement('uploads'),
      deleteStatement('uploads'),
    ]);
    expect(seen.statements[0]).toBe('DELETE FROM "uploads" WHERE "id" = ANY($1::bigint[])');
    expect(seen.connections).toBe(1);
    expect(seen.backends.size).toBe(1);
    expect(await db.upload.count()).toBe(0);
  });

  it('chunks by 10,000 ids by default: 25,000 rows in 3 statements, the array being one parameter', async () => {
    expect(DELETE_CHUNK_SIZE).toBe(10_000);
    const ids = await insertPosts(25_000);
    const { pool: wrapped, seen } = countingPool(pool());
    expect(await deleteManyPosts(wrapped, ids)).toBe(25_000);
    expect(seen.statements).toHaveLength(3);
    expect(seen.connections).toBe(1);
    expect(await db.post.count()).toBe(0);
  });

  it('counts only rows that existed; no ids: no connection at all', async () => {
    const ids = await insertUploads(3);
    const { pool: wrapped, seen } = countingPool(pool());
    expect(await deleteManyUploads(wrapped, [...ids, 999_999, ids[0] as number])).toBe(3);
    expect(await deleteManyUploads(wrapped, ids)).toBe(0);
    expect(await deleteManyUploads(wrapped, [])).toBe(0);
    expect(seen.connections).toBe(2);
    expect(seen.statements).toHaveLength(2);
  });

  it('takes bigint ids', async () => {
    const ids = await insertUploads(2);
    expect(
      await deleteMany(
        pool(),
        'uploads',
        ids.map((id) => BigInt(id)),
      ),
    ).toBe(2);
  });

  it('refuses ids that are not integers and names that are not plain identifiers, before touching the pool()', async () => {
    const { pool: wrapped, seen } = countingPool(pool());
    await expect(deleteMany(wrapped, 'uploads', [1, 2.5])).rejects.toThrow(
      'id at position 1 is 2.5, not an integer',
    );
    await expect(deleteMany(wrapped, 'uploads; DROP TABLE posts', [1])).rejects.toThrow(
      /table must be a plain identifier/,
    );
    await expect(deleteMany(wrapped, 'uploads', [1], { chunkSize: 0 })).rejects.toThrow(/chunkSize/);
    expect(seen.connections).toBe(0);
  });

  it('commits each chunk on its own: a failing chunk reports the rows deleted before it, and a rerun finishes', async () => {
    const ids = await insertUploads(9);
    const poison = ids[4] as number;
    // Division by zero in the chunk that holds `poison` (ids 4-6 with chunks of 3).
    const statement = `DELETE FROM uploads WHERE id = ANY($1::bigint[]) AND 1 / (CASE WHEN $1::bigint[] @> ARRAY[${poison}::bigint] THEN 0 ELSE 1 END) = 1`;
    const { pool: wrapped, seen } = countingPool(pool());
    const error = await deleteManyWith(wrapped, statement, ids, { chunkSize: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteManyError);
    expect((error as DeleteManyError).deleted).toBe(3);
    expect((error as DeleteManyError).message).toMatch(
      /chunk of ids 4-6 of 9 failed after 3 row\(s\) were deleted: division by zero/,
    );
    expect(seen.statements).toHaveLength(2);
    expect(await db.upload.count()).toBe(6);
    expect(await deleteManyUploads(pool(), ids)).toBe(6);
  });

  it('deleteManyWith binds options.params as $2, $3, ... after each chunk of ids, the same for every chunk', async () => {
    const ids = await insertUploads(7);
    await db.upload.updateMany({
      where: { id: { in: ids.slice(0, 5) } },
      data: { sourceFile: 'uploads/doomed.jpg' },
    });
    const statement =
      'DELETE FROM uploads WHERE id = ANY($1::bigint[]) AND source_file = $2 AND status::text = $3';
    const { pool: wrapped, seen } = countingPool(pool());
    expect(
      await deleteManyWith(wrapped, statement, ids, {
        chunkSize: 3,
        params: ['uploads/doomed.jpg', 'pending'],
      }),
    ).toBe(5);
    expect(seen.statements).toEqual([statement, statement, statement]);
    expect(seen.connections).toBe(1);
    expect((await db.upload.findMany({ orderBy: { id: 'asc' } })).map((u) => u.id)).toEqual(ids.slice(5));
  });

  it('reports progress after each chunk', async () => {
    const ids = await insertUploads(5);
    const progress: [number, number, number][] = [];
    await deleteManyUploads(pool(), ids, {
      chunkSize: 2,
      onChunk: (d, done, total) => progress.push([d, done, total]),
    });
    expect(progress).toEqual([
      [2, 2, 5],
      [4, 4, 5],
      [5, 5, 5],
    ]);
  });

  it('posts: cascades post_tags and favorites and keeps tags.post_count right, one statement per chunk', async () => {
    const user = await db.user.create({ data: { name: 'fan' } });
    const [a, b, c] = await insertPosts(3);
    await setPostTags(db, a as number, ['shared', 'only_a']);
    await setPostTags(db, b as number, ['shared']);
    await setPostTags(db, c as number, ['shared', 'kept']);
    await db.favorite.createMany({
      data: [
        { userId: user.id, postId: a as number },
        { userId: user.id, postId: c as number },
      ],
    });
    const { pool: wrapped, seen } = countingPool(pool());
    expect(await deleteManyPosts(wrapped, [a as number, b as number])).toBe(2);
    expect(seen.statements).toHaveLength(1);
    const counts = Object.fromEntries((await db.tag.findMany()).map((t) => [t.name, t.postCount]));
    expect(counts).toEqual({ shared: 1, only_a: 0, kept: 1 });
    expect(await db.postTag.count()).toBe(2);
    expect((await db.favorite.findMany()).map((f) => f.postId)).toEqual([c]);
  });

  it('users: cascades favorites (fav_count follows) and bans; posts and uploads keep their rows with no uploader', async () => {
    const [gone, stays] = [
      await db.user.create({ data: { name: 'gone' } }),
      await db.user.create({ data: { name: 'stays' } }),
    ];
    const post = await db.post.create({ data: { uploaderId: gone.id } });
    await db.upload.create({ data: { uploaderId: gone.id, sourceFile: 'uploads/x.jpg' } });
    await db.favorite.createMany({
      data: [
        { userId: gone.id, postId: post.id },
        { userId: stays.id, postId: post.id },
      ],
    });
    await db.post.update({ where: { id: post.id }, data: { favCount: 2 } });
    const before = await db.post.findUniqueOrThrow({ where: { id: post.id } });
    await db.ban.create({ data: { userId: gone.id, reason: 'spam' } });
    const { pool: wrapped, seen } = countingPool(pool());
    expect(await deleteManyUsers(wrapped, [gone.id])).toBe(1);
    expect(seen.statements).toHaveLength(1);
    const after = await db.post.findUniqueOrThrow({ where: { id: post.id } });
    expect(after).toMatchObject({ favCount: 1, uploaderId: null });
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(await db.ban.count()).toBe(0);
    expect(await db.upload.findFirstOrThrow()).toMatchObject({ uploaderId: null });
    expect((await db.user.findMany()).map((u) => u.name)).toEqual(['stays']);
  });
});
