/**
 * A realistic data set of a chosen size: N posts whose tags follow a Zipf-like distribution (a
 * few tags on most posts, a long tail on few), for trying the app and for benchmarks.
 *
 * Steps:
 *   1. Tags: tagCount names (default N/5, at least 200, at most 50,000), the most frequent ones
 *      real-looking Danbooru tags, then `tag_<rank>`, `artist_<rank>`, `character_<rank>`,
 *      `series_<rank>`, `meta_<rank>` in realistic proportions; inserted with unnest arrays in
 *      chunks, existing names left alone.
 *   2. Posts, BATCH_SIZE at a time, each batch one transaction of two statements: insert the
 *      posts (md5 = md5 of `backlot-seed-<i>`, so post i is the same post on every run and a
 *      second run skips it), then their post_tags rows (unnest of two int arrays). Post i draws 4..16 tags by rank = floor((T+1)^u) (u uniform: the
 *      probability of rank r falls like 1/r) from a PRNG seeded with i, so the data set is the
 *      same on every machine.
 *   3. One recount of tags.post_count (app/db/tag.repository.ts).
 *   A progress bar on stderr follows step 2.
 *
 * Example:
 *   await seedPosts(prisma(), { posts: 100_000 });            // or: SEED_POSTS=100000 npm run db:seed
 */
import { createHash } from 'node:crypto';
import type { AppPrismaClient } from '../app/db/client';
import type { TagCategory } from '../app/db/generated/enums';
import { recountTagPostCounts } from '../app/db/tag.repository';
import { createProgressBar, type ProgressStream } from './progress-bar';

/** Posts per statement. @defaultValue 5,000 (about 50,000 post_tags rows) */
export const BATCH_SIZE = 5_000;
export const MIN_TAGS_PER_POST = 4;
export const MAX_TAGS_PER_POST = 16;

/** The most frequent tags, most frequent first (rank 1, 2, ...). */
const TOP_TAGS: ReadonlyArray<[string, TagCategory]> = [
  ['1girl', 'general'],
  ['solo', 'general'],
  ['highres', 'meta'],
  ['long_hair', 'general'],
  ['looking_at_viewer', 'general'],
  ['smile', 'general'],
  ['blush', 'general'],
  ['short_hair', 'general'],
  ['open_mouth', 'general'],
  ['breasts', 'general'],
  ['simple_background', 'general'],
  ['blue_eyes', 'general'],
  ['multiple_girls', 'general'],
  ['brown_hair', 'general'],
  ['shirt', 'general'],
  ['skirt', 'general'],
  ['black_hair', 'general'],
  ['long_sleeves', 'general'],
  ['red_eyes', 'general'],
  ['white_background', 'general'],
  ['hair_ornament', 'general'],
  ['gloves', 'general'],
  ['original', 'copyright'],
  ['touhou', 'copyright'],
  ['hat', 'general'],
  ['absurdres', 'meta'],
  ['dress', 'general'],
  ['holding', 'general'],
  ['1boy', 'general'],
  ['bow', 'general'],
  ['closed_mouth', 'general'],
  ['blonde_hair', 'general'],
  ['2girls', 'general'],
  ['jewelry', 'general'],
  ['sitting', 'general'],
  ['hatsune_miku', 'character'],
  ['commentary_request', 'meta'],
  ['school_uniform', 'general'],
  ['standing', 'general'],
  ['hakurei_reimu', 'character'],
];

/** Categories of generated tags by rank % 100: 63 general, 15 artist, 15 character, 5 copyright, 2 meta. */
function generatedTag(rank: number): [string, TagCategory] {
  const bucket = rank % 100;
  if (bucket < 63) return [`tag_${rank}`, 'general'];
  if (bucket < 78) return [`artist_${rank}`, 'artist'];
  if (bucket < 93) return [`character_${rank}`, 'character'];
  if (bucket < 98) return [`series_${rank}`, 'copyright'];
  return [`meta_${rank}`, 'meta'];
}

/** The name and category of the tag of `rank` (1-based). */
export function seedTag(rank: number): [string, TagCategory] {
  return TOP_TAGS[rank - 1] ?? generatedTag(rank);
}

/** Tags for N posts unless told: N / 5, within 200..50,000. */
export function defaultTagCount(posts: number): number {
  return Math.min(50_000, Math.max(200, Math.round(posts / 5)));
}

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The tag ranks of seed post `index`: 4..16 distinct ranks in 1..tagCount, Zipf-like. */
export function postTagRanks(index: number, tagCount: number): number[] {
  const random = mulberry32(index * 2_654_435_761);
  const draws = MIN_TAGS_PER_POST + Math.floor(random() * (MAX_TAGS_PER_POST - MIN_TAGS_PER_POST + 1));
  const ranks = new Set<number>();
  for (let i = 0; i < draws; i += 1)
    ranks.add(Math.min(tagCount, Math.floor((tagCount + 1) ** random())) || 1);
  return [...ranks];
}

export function seedPostMd5(index: number): string {
  return createHash('md5').update(`backlot-seed-${index}`).digest('hex');
}

export interface SeedPostsOptions {
  /** How many seed posts should exist (posts 1..N; existing ones are skipped). */
  posts: number;
  /** How many distinct tags to draw from. @defaultValue defaultTagCount(posts) */
  tags?: number;
  /** Users the posts are spread over (ids); none: posts have no uploader. @defaultValue [] */
  uploaderIds?: readonly number[];
  /** Where the progress bar goes; null for none. @defaultValue process.stderr */
  progress?: ProgressStream | null;
}

export interface SeedPostsSummary {
  /** Posts this run inserted (posts that existed already are not counted). */
  insertedPosts: number;
  /** post_tags rows this run inserted. */
  insertedPostTags: number;
  tags: number;
  seconds: number;
}

async function ensureTags(client: AppPrismaClient, tagCount: number): Promise<Map<number, number>> {
  const idsByRank = new Map<number, number>();
  for (let first = 1; first <= tagCount; first += BATCH_SIZE) {
    const ranks = Array.from({ length: Math.min(BATCH_SIZE, tagCount - first + 1) }, (_, i) => first + i);
    const names = ranks.map((rank) => seedTag(rank)[0]);
    const categories = ranks.map((rank) => seedTag(rank)[1]);
    await client.$executeRaw`
      INSERT INTO tags (name, category, updated_at)
      SELECT name, category::tag_category, now() FROM unnest(${names}::text[], ${categories}::text[]) AS input(name, category)
      ON CONFLICT (name) DO NOTHING`;
    const rows = await client.$queryRaw<
      Array<{ id: number; name: string }>
    >`SELECT id, name FROM tags WHERE name = ANY(${names}::text[])`;
    const rankByName = new Map(names.map((name, i) => [name, ranks[i] ?? 0]));
    for (const row of rows) idsByRank.set(rankByName.get(row.name) ?? 0, row.id);
  }
  return idsByRank;
}

/** Inserts seed posts 1..options.posts that do not exist yet, with their tags; recounts post counts. */
export async function seedPosts(
  client: AppPrismaClient,
  options: SeedPostsOptions,
): Promise<SeedPostsSummary> {
  const started = Date.now();
  const total = Math.max(0, Math.floor(options.posts));
  const tagCount = options.tags ?? defaultTagCount(total);
  const uploaderIds = [...(options.uploaderIds ?? [])];
  const bar =
    options.progress === null ? undefined : createProgressBar('Seeding posts', total, options.progress);
  const tagIds = await ensureTags(client, tagCount);

  let insertedPosts = 0;
  let insertedPostTags = 0;
  for (let first = 1; first <= total; first += BATCH_SIZE) {
    const count = Math.min(BATCH_SIZE, total - first + 1);
    const md5s: string[] = [];
    const scores: number[] = [];
    const uploaders: Array<number | null> = [];
    for (let offset = 0; offset < count; offset += 1) {
      const index = first + offset;
      md5s.push(seedPostMd5(index));
      scores.push((index * 7_919) % 101);
      uploaders.push(uploaderIds.length > 0 ? (uploaderIds[index % uploaderIds.length] ?? null) : null);
    }
    const row = await client.$transaction(
      async (tx) => {
        const created = await tx.$queryRaw<Array<{ id: number; md5: string }>>`
        INSERT INTO posts (md5, score, uploader_id, created_at, updated_at)
        SELECT md5, score, uploader_id, now() - make_interval(mins => ${first}::int + ord::int), now()
        FROM unnest(${md5s}::text[], ${scores}::int[], ${uploaders}::int[]) WITH ORDINALITY AS input(md5, score, uploader_id, ord)
        ON CONFLICT (md5) DO NOTHING
        RETURNING id, md5`;
        const postIds: number[] = [];
        const postTagIds: number[] = [];
        const offsetByMd5 = new Map(md5s.map((md5, offset) => [md5, offset]));
        for (const post of created) {
          for (const rank of postTagRanks(first + (offsetByMd5.get(post.md5) ?? 0), tagCount)) {
            postIds.push(post.id);
            postTagIds.push(tagIds.get(rank) ?? 0);
          }
        }
        const postTags = await tx.$executeRaw`
        INSERT INTO post_tags (post_id, tag_id) SELECT * FROM unnest(${postIds}::int[], ${postTagIds}::int[])
        ON CONFLICT DO NOTHING`;
        return { posts: created.length, post_tags: postTags };
      },
      { timeout: 120_000 },
    );
    insertedPosts += row?.posts ?? 0;
    insertedPostTags += row?.post_tags ?? 0;
    bar?.update(first + count - 1);
  }
  bar?.finish();
  await recountTagPostCounts(client);
  return { insertedPosts, insertedPostTags, tags: tagCount, seconds: (Date.now() - started) / 1000 };
}
