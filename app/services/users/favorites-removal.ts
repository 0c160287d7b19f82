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
import { untilShort, type ChunkOptions } from '../maintenance/chunks';

/** Deletes every favorite of `userId`; resolves how many. */
export async function deleteAllFavoritesOf(
  pool: ConnectionPool & SqlReader,
  userId: number,
  options: ChunkOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? FAVORITES_CHUNK_SIZE;
  let afterPostId = 0;
  let deleted = 0;
  // untilShort counts the post ids each chunk selected (a short chunk is the last); progress
  // reports the favorites deleted, which is fewer only when some went meanwhile.
  await untilShort(
    batchSize,
    async () => {
      const postIds = await favoritedPostIds(pool, userId, afterPostId, batchSize);
      deleted += await deleteUserFavorites(pool, userId, postIds, { chunkSize: batchSize });
      afterPostId = postIds.at(-1) ?? afterPostId;
      return postIds.length;
    },
    { signal: options.signal, onProgress: () => options.onProgress?.(deleted) },
  );
  return deleted;
}
