/**
 * Removing every favorite of a user (DeleteFavoritesJob's work, after the account was deleted),
 * a chunk at a time, with posts.fav_count kept right.
 *
 * Steps (app/db/favorite.repository.ts), until a chunk comes back short:
 *   1. check the job's signal (an aborted signal stops here, with its reason; running again
 *      finishes the rest);
 *   2. select the next `batchSize` post ids the user favorited, in post-id order after the last chunk;
 *   3. delete those favorites through deleteManyWith: ONE statement for the chunk, lowering each
 *      post's fav_count in the same statement (2,500 favorites at batch 1,000: 3 selects and
 *      3 DELETE statements);
 *   4. report the running count of favorites deleted.
 *
 * Example: await deleteAllFavoritesOf(dbPool(), user.id, { batchSize: 1000, signal })   // 1234
 */
import type { ConnectionPool } from '../../db/delete-many';
import type { SqlReader } from '../../db/deletion.repository';
import { deleteUserFavorites, favoritedPostIds, FAVORITES_CHUNK_SIZE } from '../../db/favorite.repository';
import { deleteInChunks, type ChunkOptions } from '../maintenance/chunks';

/** Deletes every favorite of `userId`; resolves how many. */
export function deleteAllFavoritesOf(
  pool: ConnectionPool & SqlReader,
  userId: number,
  options: ChunkOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? FAVORITES_CHUNK_SIZE;
  return deleteInChunks(
    batchSize,
    (afterPostId, limit) => favoritedPostIds(pool, userId, afterPostId, limit),
    (postIds) => deleteUserFavorites(pool, userId, postIds, { chunkSize: batchSize }),
    options,
  );
}
