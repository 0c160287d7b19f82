/**
 * DeleteFavoritesJob(user) (default queue): removes every favorite of a user, lowering each post's
 * fav_count by as many as it removed, after the user was deleted (deleteUser in
 * app/services/users/user-deletion.ts enqueues it; Danbooru's DeleteFavoritesJob).
 *
 * Steps: one set-based statement per chunk of FAVORITES_CHUNK_SIZE favorites
 * (app/db/favorite.repository.ts deleteFavoritesChunk: delete + fav_count fix together), progress
 * after each chunk, until a chunk comes back short. Stops between chunks when the job is canceled
 * or times out; running it again finishes the rest. Unique per user while queued or running.
 *
 * Example: await DeleteFavoritesJob.performLater(user)   // -> { userId: 7, deleted: 1234 }
 */
import { deleteFavoritesChunk, FAVORITES_CHUNK_SIZE } from '../app/db/favorite.repository';
import { prisma } from '../app/db/client';
import type { User } from '../app/db/generated/client';
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
    let deleted = 0;
    for (;;) {
      this.signal.throwIfAborted();
      const chunk = await deleteFavoritesChunk(prisma(), user.id, batchSize);
      deleted += chunk.deleted;
      await this.reportProgress({ deleted });
      if (chunk.deleted < batchSize) break;
    }
    return { userId: user.id, deleted };
  }
}
