/**
 * RegeneratePostCountsJob's work: wrong counts fixed.
 *
 * Steps: (1) tags.post_count from post_tags, one statement (recountTagPostCounts, rewriting only
 * wrong rows); (2) the posts' cached counts (fav_count, tag_count, tag_count_<category>) from
 * favorites and post_tags, one statement per range of `batchSize` post ids from the lowest id to
 * the highest (repairPostCountsRange, rewriting only wrong rows), checking the signal and
 * reporting progress between ranges.
 *
 * Example: await regeneratePostCounts(prisma())  // { tagsFixed: 2, postsFixed: 40 }
 */
import type { AppPrismaClient } from '../../db/client';
import { POST_COUNTS_CHUNK_SIZE, postIdRange, repairPostCountsRange } from '../../db/post-counts.repository';
import { recountTagPostCounts } from '../../db/tag.repository';
import type { ChunkOptions } from './chunks';

export interface RegeneratePostCountsResult {
  tagsFixed: number;
  postsFixed: number;
}

export interface RegenerateProgress {
  /** Post ids covered so far (ids, not rows: ids may have gaps). */
  postIdsDone: number;
  postIdsTotal: number;
}

export async function regeneratePostCounts(
  client: Pick<AppPrismaClient, '$executeRaw' | '$executeRawUnsafe' | '$queryRaw'>,
  options: Omit<ChunkOptions, 'onProgress'> & {
    onProgress?: (progress: RegenerateProgress) => void | Promise<void>;
  } = {},
): Promise<RegeneratePostCountsResult> {
  const batchSize = options.batchSize ?? POST_COUNTS_CHUNK_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batch size must be a whole number >= 1 (got ${batchSize})`);
  options.signal?.throwIfAborted();
  const tagsFixed = await recountTagPostCounts(client);
  let postsFixed = 0;
  const { min, max } = await postIdRange(client);
  if (min !== null && max !== null) {
    const postIdsTotal = max - min + 1;
    for (let from = min; from <= max; from += batchSize) {
      options.signal?.throwIfAborted();
      postsFixed += await repairPostCountsRange(client, from, from + batchSize);
      await options.onProgress?.({ postIdsDone: Math.min(from + batchSize, max + 1) - min, postIdsTotal });
    }
  }
  return { tagsFixed, postsFixed };
}
