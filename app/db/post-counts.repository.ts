/**
 * The cached counts on posts: fav_count and tag_count / tag_count_<category> (Danbooru's
 * columns), recomputed from favorites and post_tags joined with tags.category.
 *
 * Role: the tag counts are a cache, not kept in step by every write: BUR lines move tags on
 * 100,000+ posts without rewriting posts rows (prisma/schema.prisma says why), so the counts are
 * recomputed instead of moved by deltas:
 *   - refreshPostTagCounts(client, postIds): a few posts, e.g. after the web app set a post's tags;
 *   - refreshTagPostsChunk: the posts of one tag, after its category changed
 *     (UpdateTagCategoryPostCountsJob), a chunk of post ids at a time through the (tag_id, post_id)
 *     index;
 *   - repairPostCountsRange: every post in a post-id range, fav_count included
 *     (RegeneratePostCountsJob, hourly, over the whole table in ranges).
 * Every statement rewrites only the posts whose counts are wrong and leaves posts.updated_at
 * alone (a cache fix is not an edit).
 *
 * Example:
 *   await refreshPostTagCounts(prisma(), [post.id]);
 *   let after = 0; for (;;) { const c = await refreshTagPostsChunk(prisma(), tag.id, after, 5000); if (c.lastPostId === null) break; after = c.lastPostId }
 */
import type { AppPrismaClient } from './client';

type RawClient = Pick<AppPrismaClient, '$queryRaw'>;

/** Post ids per chunk statement. @defaultValue 5000 */
export const POST_COUNTS_CHUNK_SIZE = 5_000;

/**
 * The per-post counts wanted, from post_tags joined with tags, for the post ids of `postIdsSql`
 * (a subquery yielding post_id). Kept as SQL text shared by the statements below: every
 * statement compares the wanted counts with the stored ones and rewrites only differing rows.
 */
const WANTED_TAG_COUNTS = `
  SELECT pt.post_id,
    count(*)::int AS total,
    (count(*) FILTER (WHERE t.category = 'general'))::int AS general,
    (count(*) FILTER (WHERE t.category = 'artist'))::int AS artist,
    (count(*) FILTER (WHERE t.category = 'copyright'))::int AS copyright,
    (count(*) FILTER (WHERE t.category = 'character'))::int AS character,
    (count(*) FILTER (WHERE t.category = 'meta'))::int AS meta
  FROM post_tags pt JOIN tags t ON t.id = pt.tag_id`;

const SET_TAG_COUNTS = `
  tag_count = w.total, tag_count_general = w.general, tag_count_artist = w.artist,
  tag_count_copyright = w.copyright, tag_count_character = w.character, tag_count_meta = w.meta`;

const TAG_COUNTS_DIFFER = `
  (p.tag_count, p.tag_count_general, p.tag_count_artist, p.tag_count_copyright, p.tag_count_character, p.tag_count_meta)
  IS DISTINCT FROM (w.total, w.general, w.artist, w.copyright, w.character, w.meta)`;

/** Recomputes the tag counts of the given posts (a post without tags gets zeros). Resolves how many rows it fixed. */
export async function refreshPostTagCounts(
  client: Pick<AppPrismaClient, '$executeRawUnsafe'>,
  postIds: readonly number[],
): Promise<number> {
  if (postIds.length === 0) return 0;
  return client.$executeRawUnsafe(
    `UPDATE posts p SET ${SET_TAG_COUNTS}
     FROM (
       SELECT ids.id AS post_id, COALESCE(c.total, 0) AS total, COALESCE(c.general, 0) AS general,
         COALESCE(c.artist, 0) AS artist, COALESCE(c.copyright, 0) AS copyright,
         COALESCE(c.character, 0) AS character, COALESCE(c.meta, 0) AS meta
       FROM unnest($1::int[]) AS ids(id)
       LEFT JOIN (${WANTED_TAG_COUNTS} WHERE pt.post_id = ANY($1::int[]) GROUP BY pt.post_id) c ON c.post_id = ids.id
     ) w
     WHERE p.id = w.post_id AND ${TAG_COUNTS_DIFFER}`,
    [...postIds],
  );
}

export interface TagPostsChunk {
  /** The highest post id of the chunk; null when the tag has no posts after `afterPostId`. */
  lastPostId: number | null;
  /** Posts of the tag in the chunk. */
  scanned: number;
  /** Posts whose counts were wrong and were rewritten. */
  updated: number;
}

/**
 * Recomputes the tag counts of the next `limit` posts of tag `tagId` after post id `afterPostId`
 * (posts of the tag in post-id order, through the (tag_id, post_id) index), in one statement.
 */
export async function refreshTagPostsChunk(
  client: Pick<AppPrismaClient, '$queryRawUnsafe'>,
  tagId: number,
  afterPostId: number,
  limit = POST_COUNTS_CHUNK_SIZE,
): Promise<TagPostsChunk> {
  const rows = await client.$queryRawUnsafe<TagPostsChunk[]>(
    `WITH chunk AS (
       SELECT post_id FROM post_tags WHERE tag_id = $1 AND post_id > $2 ORDER BY post_id LIMIT $3
     ),
     fixed AS (
       UPDATE posts p SET ${SET_TAG_COUNTS}
       FROM (${WANTED_TAG_COUNTS} WHERE pt.post_id IN (SELECT post_id FROM chunk) GROUP BY pt.post_id) w
       WHERE p.id = w.post_id AND ${TAG_COUNTS_DIFFER}
       RETURNING p.id
     )
     SELECT (SELECT max(post_id) FROM chunk) AS "lastPostId",
       (SELECT count(*)::int FROM chunk) AS scanned,
       (SELECT count(*)::int FROM fixed) AS updated`,
    tagId,
    afterPostId,
    limit,
  );
  return rows[0] ?? { lastPostId: null, scanned: 0, updated: 0 };
}

/** The lowest and highest post id (both null on an empty table). */
export async function postIdRange(client: RawClient): Promise<{ min: number | null; max: number | null }> {
  const rows = await client.$queryRaw<
    Array<{ min: number | null; max: number | null }>
  >`SELECT min(id) AS min, max(id) AS max FROM posts`;
  return rows[0] ?? { min: null, max: null };
}

/**
 * Recomputes fav_count and the tag counts of every post with `fromId <= id < toId`, in one
 * statement (grouped counts of favorites and post_tags over the range), rewriting only wrong
 * rows. Resolves how many posts it fixed.
 */
export async function repairPostCountsRange(
  client: Pick<AppPrismaClient, '$executeRawUnsafe'>,
  fromId: number,
  toId: number,
): Promise<number> {
  return client.$executeRawUnsafe(
    `WITH tc AS (${WANTED_TAG_COUNTS} WHERE pt.post_id >= $1 AND pt.post_id < $2 GROUP BY pt.post_id),
     fc AS (SELECT post_id, count(*)::int AS n FROM favorites WHERE post_id >= $1 AND post_id < $2 GROUP BY post_id),
     w AS (
       SELECT p.id AS post_id, COALESCE(fc.n, 0) AS favs, COALESCE(tc.total, 0) AS total,
         COALESCE(tc.general, 0) AS general, COALESCE(tc.artist, 0) AS artist, COALESCE(tc.copyright, 0) AS copyright,
         COALESCE(tc.character, 0) AS character, COALESCE(tc.meta, 0) AS meta
       FROM posts p LEFT JOIN tc ON tc.post_id = p.id LEFT JOIN fc ON fc.post_id = p.id
       WHERE p.id >= $1 AND p.id < $2
     )
     UPDATE posts p SET fav_count = w.favs, ${SET_TAG_COUNTS}
     FROM w
     WHERE p.id = w.post_id AND (p.fav_count IS DISTINCT FROM w.favs OR ${TAG_COUNTS_DIFFER})`,
    fromId,
    toId,
  );
}
