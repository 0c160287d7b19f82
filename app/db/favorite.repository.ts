/**
 * Favorites with posts.fav_count kept in step: each change to favorites moves the count in the
 * same statement (a data-modifying CTE), so the two cannot disagree after a crash.
 *
 * Role: the web app favorites and unfavorites one post at a time (addFavorite, removeFavorite);
 * DeleteFavoritesJob removes a deleted user's favorites in chunks (favoritedPostIds, then
 * deleteUserFavorites: the batch primitive deleteManyWith, one statement per chunk). The hourly
 * RegeneratePostCountsJob repairs any fav_count that drifted anyway (e.g. rows changed by hand).
 *
 * Steps of a bulk removal chunk: select the next post ids the user favorited (keyset on
 * (user_id, post_id)), then ONE statement deletes those favorites and lowers their posts' fav_count.
 *
 * Example:
 *   await addFavorite(prisma(), user.id, post.id)        // true; post.fav_count + 1
 *   await addFavorite(prisma(), user.id, post.id)        // false: already a favorite, count unchanged
 *   const postIds = await favoritedPostIds(dbPool(), user.id, 0, 1000);   // [4, 9]
 *   await deleteUserFavorites(dbPool(), user.id, postIds) // 2; posts 4 and 9: fav_count - 1
 */
import type { AppPrismaClient } from './client';
import { deleteManyWith, type ConnectionPool, type DeleteManyOptions, type RecordIds } from './delete-many';
import type { SqlReader } from './deletion.repository';

type RawClient = Pick<AppPrismaClient, '$queryRaw'>;

/** Favorites one chunk of DeleteFavoritesJob selects and deletes in one statement. @defaultValue 1000 */
export const FAVORITES_CHUNK_SIZE = 1_000;

/** Favorites `postId` for `userId`; resolves false when it already was a favorite. */
export async function addFavorite(client: RawClient, userId: number, postId: number): Promise<boolean> {
  const rows = await client.$queryRaw<Array<{ n: number }>>`
    WITH added AS (
      INSERT INTO favorites (user_id, post_id) VALUES (${userId}, ${postId})
      ON CONFLICT (user_id, post_id) DO NOTHING RETURNING post_id
    ),
    counted AS (UPDATE posts SET fav_count = fav_count + 1 WHERE id IN (SELECT post_id FROM added) RETURNING id)
    SELECT count(*)::int AS n FROM added`;
  return rows[0]?.n === 1;
}

/** Unfavorites `postId` for `userId`; resolves false when it was not a favorite. */
export async function removeFavorite(client: RawClient, userId: number, postId: number): Promise<boolean> {
  const rows = await client.$queryRaw<Array<{ n: number }>>`
    WITH removed AS (DELETE FROM favorites WHERE user_id = ${userId} AND post_id = ${postId} RETURNING post_id),
    counted AS (
      UPDATE posts SET fav_count = GREATEST(fav_count - 1, 0) WHERE id IN (SELECT post_id FROM removed) RETURNING id
    )
    SELECT count(*)::int AS n FROM removed`;
  return rows[0]?.n === 1;
}

/**
 * One chunk of deleteUserFavorites ($1: post ids as bigint[], $2: the user id): the user's
 * favorites of those posts go, and each post's fav_count drops by one, in one statement (a
 * data-modifying CTE; posts.updated_at untouched). Its main statement is the UPDATE, so its row
 * count is the posts whose count it lowered, which is the favorites deleted: a user favorites a
 * post at most once (unique (user_id, post_id)), and a favorite's post exists (foreign key).
 */
export const DELETE_USER_FAVORITES_STATEMENT = `
  WITH removed AS (DELETE FROM favorites WHERE user_id = $2::int AND post_id = ANY($1::bigint[]) RETURNING post_id)
  UPDATE posts p SET fav_count = GREATEST(p.fav_count - 1, 0)
  FROM removed r
  WHERE p.id = r.post_id`;

/**
 * Post ids `userId` favorited, above `afterPostId`, lowest first, at most `limit`: a keyset chunk
 * through the (user_id, post_id) unique index.
 */
export async function favoritedPostIds(
  reader: SqlReader,
  userId: number,
  afterPostId: number,
  limit: number,
): Promise<number[]> {
  const { rows } = await reader.query<{ post_id: number }>(
    'SELECT post_id FROM favorites WHERE user_id = $1::int AND post_id > $2::int ORDER BY post_id LIMIT $3::int',
    [userId, afterPostId, limit],
  );
  return rows.map((row) => row.post_id);
}

/**
 * The favorites' deleteMany for one user (favorites are keyed by (user_id, post_id), so the ids are
 * post ids): deletes `userId`'s favorites of `postIds`, one statement per chunk of post ids on one
 * connection (app/db/delete-many.ts deleteManyWith, the user id bound as $2), lowering each post's
 * fav_count in the same statement. Resolves the favorites deleted.
 */
export async function deleteUserFavorites(
  pool: ConnectionPool,
  userId: number,
  postIds: RecordIds,
  options: DeleteManyOptions = {},
): Promise<number> {
  if (!Number.isSafeInteger(userId))
    throw new TypeError(`deleteUserFavorites: userId must be an integer, got ${String(userId)}`);
  return deleteManyWith(pool, DELETE_USER_FAVORITES_STATEMENT, postIds, { ...options, params: [userId] });
}
