/**
 * Favorites with posts.fav_count kept in step: each change to favorites moves the count in the
 * same statement (a data-modifying CTE), so the two cannot disagree after a crash.
 *
 * Role: the web app favorites and unfavorites one post at a time (addFavorite, removeFavorite);
 * DeleteFavoritesJob removes a deleted user's favorites in chunks (deleteFavoritesChunk). The
 * hourly RegeneratePostCountsJob repairs any fav_count that drifted anyway (e.g. rows changed by
 * hand).
 *
 * Example:
 *   await addFavorite(prisma(), user.id, post.id)        // true; post.fav_count + 1
 *   await addFavorite(prisma(), user.id, post.id)        // false: already a favorite, count unchanged
 *   await deleteFavoritesChunk(prisma(), user.id, 1000)  // { deleted: 1, posts: 1 }
 */
import type { AppPrismaClient } from './client';

type RawClient = Pick<AppPrismaClient, '$queryRaw'>;

/** Favorites one chunk statement of deleteFavoritesChunk removes. @defaultValue 1000 */
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

export interface FavoritesChunkResult {
  /** Favorites deleted by this statement. */
  deleted: number;
  /** Posts whose fav_count it lowered. */
  posts: number;
}

/**
 * Deletes up to `limit` favorites of `userId` (lowest post ids first, through the (user_id,
 * post_id) unique index) and lowers each post's fav_count by the number removed, in one statement.
 * Call again until `deleted < limit`.
 */
export async function deleteFavoritesChunk(client: RawClient, userId: number, limit = FAVORITES_CHUNK_SIZE): Promise<FavoritesChunkResult> {
  const rows = await client.$queryRaw<FavoritesChunkResult[]>`
    WITH doomed AS (
      SELECT user_id, post_id FROM favorites WHERE user_id = ${userId} ORDER BY post_id LIMIT ${limit}
    ),
    deleted AS (
      DELETE FROM favorites f USING doomed d WHERE f.user_id = d.user_id AND f.post_id = d.post_id RETURNING f.post_id
    ),
    counted AS (
      UPDATE posts p SET fav_count = GREATEST(p.fav_count - c.n, 0)
      FROM (SELECT post_id, count(*)::int AS n FROM deleted GROUP BY post_id) c
      WHERE p.id = c.post_id
      RETURNING p.id
    )
    SELECT (SELECT count(*)::int FROM deleted) AS deleted, (SELECT count(*)::int FROM counted) AS posts`;
  return rows[0] ?? { deleted: 0, posts: 0 };
}
