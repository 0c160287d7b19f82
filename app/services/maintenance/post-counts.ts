/**
 * RegeneratePostCountsJob's work: wrong counts fixed, in two parts the job runs as resumable steps.
 *
 * Steps: (1) recountTags: tags.post_count from post_tags, one statement (recountTagPostCounts,
 * rewriting only wrong rows); (2) repairPostCounts: the posts' cached counts (fav_count,
 * tag_count, tag_count_<category>) from favorites and post_tags, one statement per range of
 * `batchSize` post ids from the lowest id (or the cursor a resumed run starts at) to the highest
 * (repairPostCountsRange, rewriting only wrong rows), checking the signal between ranges and
 * handing the next cursor and the progress to onRange after each. Each range's statement is
 * idempotent: run twice, the second run finds nothing wrong.
 *
 * Example: await regeneratePostCounts(prisma())  // { tagsFixed: 2, postsFixed: 40 }
 *          await repairPostCounts(db, { resumeAt: { from: 5001, postsFixed: 12 }, onRange: (c) => step.advance(c) })
 */
import type { AppPrismaClient } from '../../db/client';
import { POST_COUNTS_CHUNK_SIZE, postIdRange, repairPostCountsRange } from '../../db/post-counts.repository';
import { recountTagPostCounts } from '../../db/tag.repository';
import type { ChunkOptions } from './chunks';

type Client = Pick<AppPrismaClient, '$executeRaw' | '$executeRawUnsafe' | '$queryRaw'>;

export interface RegeneratePostCountsResult {
  tagsFixed: number;
  postsFixed: number;
}

export interface RegenerateProgress {
  /** Post ids covered so far (ids, not rows: ids may have gaps). */
  postIdsDone: number;
  postIdsTotal: number;
}

/** Where repairPostCounts goes on from: the next range's first post id, and the posts fixed before it. */
export interface PostCountsCursor {
  from: number;
  postsFixed: number;
}

export interface RepairPostCountsOptions extends Pick<ChunkOptions, 'batchSize' | 'signal'> {
  /** A resumed run's saved cursor: ranges before `from` are not repaired again. */
  resumeAt?: PostCountsCursor;
  /** After each range: the cursor after it (save it to resume there) and the progress. */
  onRange?: (
    cursor: PostCountsCursor,
    progress: RegenerateProgress,
    range: { from: number; to: number },
  ) => void | Promise<void>;
}

function checkBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batch size must be a whole number >= 1 (got ${batchSize})`);
  return batchSize;
}

/** Step 1: tags.post_count; resolves the tags fixed. */
export function recountTags(client: Client): Promise<number> {
  return recountTagPostCounts(client);
}

/** Step 2: the posts' cached counts, range by range from `resumeAt`; resolves the posts fixed (resumeAt's included). */
export async function repairPostCounts(
  client: Client,
  options: RepairPostCountsOptions = {},
): Promise<number> {
  const batchSize = checkBatchSize(options.batchSize ?? POST_COUNTS_CHUNK_SIZE);
  let postsFixed = options.resumeAt?.postsFixed ?? 0;
  const { min, max } = await postIdRange(client);
  if (min === null || max === null) return postsFixed;
  const postIdsTotal = max - min + 1;
  for (let from = Math.max(min, options.resumeAt?.from ?? min); from <= max; from += batchSize) {
    options.signal?.throwIfAborted();
    const to = from + batchSize;
    postsFixed += await repairPostCountsRange(client, from, to);
    await options.onRange?.(
      { from: to, postsFixed },
      { postIdsDone: Math.min(to, max + 1) - min, postIdsTotal },
      { from, to },
    );
  }
  return postsFixed;
}

/** Both steps in one go (no resuming): the tags, then every post. */
export async function regeneratePostCounts(
  client: Client,
  options: Omit<ChunkOptions, 'onProgress'> & {
    onProgress?: (progress: RegenerateProgress) => void | Promise<void>;
  } = {},
): Promise<RegeneratePostCountsResult> {
  const batchSize = checkBatchSize(options.batchSize ?? POST_COUNTS_CHUNK_SIZE);
  options.signal?.throwIfAborted();
  const tagsFixed = await recountTags(client);
  const postsFixed = await repairPostCounts(client, {
    batchSize,
    signal: options.signal,
    onRange: (_cursor, progress) => options.onProgress?.(progress),
  });
  return { tagsFixed, postsFixed };
}
