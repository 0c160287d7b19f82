/**
 * DeleteFavoritesJob(user) (default queue): removes every favorite of a user, lowering each post's
 * fav_count by as many as it removed, after the user was deleted (deleteUser in
 * app/services/users/user-deletion.ts enqueues it; Danbooru's DeleteFavoritesJob).
 *
 * Steps (app/services/users/favorites-removal.ts): per chunk of FAVORITES_CHUNK_SIZE favorites,
 * select the user's next favorited post ids, then delete them through deleteManyWith on the
 * process's pg pool (dbPool()): ONE statement deleting the favorites and fixing fav_count together;
 * progress after each chunk, until a chunk comes back short. Stops between chunks when the job is
 * canceled or times out; running it again finishes the rest. Unique per user while queued or running.
 *
 * Example: await DeleteFavoritesJob.performLater(user)   // -> { userId: 7, deleted: 1234 }
 */
import { FAVORITES_CHUNK_SIZE } from '../app/db/favorite.repository';
import type { User } from '../app/db/generated/client';
import { dbPool } from '../app/db/pg-pool';
import { deleteAllFavoritesOf } from '../app/services/users/favorites-removal';
import { ApplicationJob } from './application-job';

export interface DeleteFavoritesResult {
  userId: number;
  deleted: number;
}

export class DeleteFavoritesJob extends ApplicationJob {
  static {
    this.uniqueBy((user: User) => String(user.id));
  }

  async perform(user: User, batchSize = FAVORITES_CHUNK_SIZE): Promise<DeleteFavoritesResult> {
    const deleted = await deleteAllFavoritesOf(dbPool(), user.id, {
      batchSize,
      signal: this.signal,
      onProgress: (done) => this.reportProgress({ deleted: done }),
    });
    return { userId: user.id, deleted };
  }
}
