/**
 * RegeneratePostCountsJob (hourly, config/schedule.ts): fixes wrong counts, in two resumable
 * steps (Job#step, app/framework/continuation.ts):
 *   'tags'  tags.post_count recomputed from post_tags in one set-based statement;
 *   'posts' the posts' cached fav_count and tag_count_* recomputed per range of post ids, one
 *           statement per range; after each range the cursor { from, postsFixed } is saved.
 * Only wrong rows are rewritten (app/services/maintenance/post-counts.ts). Interrupted (a
 * shutdown hand-back, kill -9 then the stalled check, a timeout retry), the job runs again from
 * the saved cursor: a finished 'tags' step is skipped, ranges before the cursor are not run
 * again, and at most the one range whose cursor was not saved yet runs twice, which changes
 * nothing (its rows are right by then). The result counts the tags fixed by the run that did the
 * 'tags' step (0 on a resumed run past it) and the posts fixed by saved ranges.
 * Progress { postIdsDone, postIdsTotal } after each range. Unique while queued or running: an
 * hourly tick that finds the previous run still going is not enqueued again.
 *
 * Example: await RegeneratePostCountsJob.performLater()   // -> { tagsFixed: 2, postsFixed: 40 }
 */
import { prisma } from '../app/db/client';
import { POST_COUNTS_CHUNK_SIZE } from '../app/db/post-counts.repository';
import { backlotSettings } from '../app/framework/index';
import {
  recountTags,
  repairPostCounts,
  type PostCountsCursor,
  type RegeneratePostCountsResult,
} from '../app/services/maintenance/post-counts';
import { ApplicationJob } from './application-job';

export class RegeneratePostCountsJob extends ApplicationJob {
  static {
    this.uniqueBy(() => 'all');
  }

  async perform(batchSize = POST_COUNTS_CHUNK_SIZE): Promise<RegeneratePostCountsResult> {
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batch size must be a whole number >= 1 (got ${batchSize})`);
    const logger = backlotSettings().logger;
    let tagsFixed = 0;
    await this.step('tags', async () => {
      this.signal.throwIfAborted();
      tagsFixed = await recountTags(prisma());
    });
    let postsFixed = 0;
    await this.step<{ from: number; postsFixed: number }>('posts', async (step) => {
      const resumeAt: PostCountsCursor | undefined = step.cursor;
      if (resumeAt)
        logger.info(
          { jobId: this.jobId, resumeAt },
          `RegeneratePostCountsJob: resuming at post id ${resumeAt.from}`,
        );
      postsFixed = await repairPostCounts(prisma(), {
        batchSize,
        signal: this.signal,
        resumeAt,
        onRange: async (cursor, progress, range) => {
          logger.debug(
            { jobId: this.jobId, event: 'post_counts_range', from: range.from, to: range.to },
            `RegeneratePostCountsJob: post ids ${range.from}..${range.to - 1} done`,
          );
          await step.advance({ from: cursor.from, postsFixed: cursor.postsFixed });
          await this.reportProgress(progress);
        },
      });
    });
    const result = { tagsFixed, postsFixed };
    logger.info(
      { jobId: this.jobId, event: 'regenerate_post_counts', ...result },
      `RegeneratePostCountsJob: fixed ${result.tagsFixed} tag post count(s) and ${result.postsFixed} post(s)' cached counts`,
    );
    return result;
  }
}
