/**
 * UpdateTagCategoryPostCountsJob(tag) (default queue): after a tag's category changed, recomputes
 * the cached per-category tag counts (posts.tag_count_general, _artist, _copyright, _character,
 * _meta and tag_count) of every post carrying the tag (Danbooru moves these counts when a category
 * changes). Enqueued by changeTagCategory (app/services/tags/tag-category.ts).
 *
 * Steps: the tag's posts in post-id order, POST_COUNTS_CHUNK_SIZE at a time, each chunk one
 * statement that recomputes the counts from post_tags joined with tags.category and rewrites only
 * the posts whose counts differ (app/db/post-counts.repository.ts refreshTagPostsChunk); progress
 * { postsDone, postsTotal } after each chunk; stops between chunks when canceled or timed out.
 * Counts are recomputed, not moved by one, so a rerun, a second category change or a concurrent
 * tag edit cannot make them drift (and the hourly RegeneratePostCountsJob repairs every post).
 *
 * Example: await UpdateTagCategoryPostCountsJob.performLater(tag)  // -> { tagId, postsScanned, postsUpdated }
 */
import { prisma } from '../app/db/client';
import type { Tag } from '../app/db/generated/client';
import { POST_COUNTS_CHUNK_SIZE, refreshTagPostsChunk } from '../app/db/post-counts.repository';
import { ApplicationJob } from './application-job';

export interface UpdateTagCategoryPostCountsResult {
  tagId: number;
  postsScanned: number;
  postsUpdated: number;
}

export class UpdateTagCategoryPostCountsJob extends ApplicationJob {
  async perform(tag: Tag, batchSize = POST_COUNTS_CHUNK_SIZE): Promise<UpdateTagCategoryPostCountsResult> {
    const result: UpdateTagCategoryPostCountsResult = { tagId: tag.id, postsScanned: 0, postsUpdated: 0 };
    let after = 0;
    for (;;) {
      this.signal.throwIfAborted();
      const chunk = await refreshTagPostsChunk(prisma(), tag.id, after, batchSize);
      if (chunk.lastPostId === null) break;
      result.postsScanned += chunk.scanned;
      result.postsUpdated += chunk.updated;
      after = chunk.lastPostId;
      await this.reportProgress({
        postsDone: result.postsScanned,
        postsTotal: Math.max(tag.postCount, result.postsScanned),
      });
      if (chunk.scanned < batchSize) break;
    }
    return result;
  }
}
