/**
 * RegeneratePostCountsJob (hourly, config/schedule.ts): fixes wrong counts. tags.post_count is
 * recomputed from post_tags in one set-based statement (recountTagPostCounts); then the posts'
 * cached fav_count and tag_count_* are recomputed per range of post ids, one statement per range
 * (app/services/maintenance/post-counts.ts). Only wrong rows are rewritten. Progress
 * { postIdsDone, postIdsTotal }. Unique while queued or running: an hourly tick that finds the
 * previous run still going is not enqueued again (the clock reports a duplicate).
 *
 * Example: await RegeneratePostCountsJob.performLater()   // -> { tagsFixed: 2, postsFixed: 40 }
 */
import { prisma } from '../app/db/client';
import { POST_COUNTS_CHUNK_SIZE } from '../app/db/post-counts.repository';
import { backlotSettings } from '../app/framework/index';
import {
  regeneratePostCounts,
  type RegeneratePostCountsResult,
} from '../app/services/maintenance/post-counts';
import { ApplicationJob } from './application-job';

export class RegeneratePostCountsJob extends ApplicationJob {
  static {
    this.uniqueBy(() => 'all');
  }

  async perform(batchSize = POST_COUNTS_CHUNK_SIZE): Promise<RegeneratePostCountsResult> {
    const result = await regeneratePostCounts(prisma(), {
      batchSize,
      signal: this.signal,
      onProgress: (progress) => this.reportProgress(progress),
    });
    backlotSettings().logger.info(
      { jobId: this.jobId, event: 'regenerate_post_counts', ...result },
      `RegeneratePostCountsJob: fixed ${result.tagsFixed} tag post count(s) and ${result.postsFixed} post(s)' cached counts`,
    );
    return result;
  }
}
