/**
 * A post's tags through the post_tags join table: read them as names or a tag string, replace them.
 *
 * Role: posts have no tag column (prisma/schema.prisma says why); these are the one-post
 * primitives the web app and the seed use. Many-post changes (BURs) are set-based SQL of their own.
 *
 * Steps of setPostTags, in one transaction: create the tags that do not exist yet (category
 * general), then one statement that deletes the post's other post_tags rows, inserts the missing
 * ones and moves each affected tag's post_count by +1 / -1, and touches posts.updated_at. Names
 * must already be normalized and valid (app/services/bulk-update-request/tag-name.ts).
 *
 * Example:
 *   await setPostTags(prisma(), post.id, ['1girl', 'smile']);
 *   (await tagNamesByPost(prisma(), [post.id])).get(post.id)   // ['1girl', 'smile']
 *   tagString(['smile', '1girl'])                              // '1girl smile'
 *   await deleteManyPosts(dbPool(), ids)                       // rows deleted; tags' post counts follow
 */
import type { AppPrismaClient } from './client';
import type { TagCategory } from './generated/enums';
import { deleteManyWith, type ConnectionPool, type DeleteManyOptions, type RecordIds } from './delete-many';

type RawClient = Pick<AppPrismaClient, '$queryRaw' | '$executeRaw'>;

/** Tag names of each post, sorted; a post without tags maps to []. */
export async function tagNamesByPost(
  client: RawClient,
  postIds: readonly number[],
): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>(postIds.map((id) => [id, []]));
  if (postIds.length === 0) return result;
  const rows = await client.$queryRaw<Array<{ post_id: number; name: string }>>`
    SELECT pt.post_id, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
    WHERE pt.post_id = ANY(${[...postIds]}::int[])
    ORDER BY pt.post_id, t.name`;
  for (const row of rows) result.get(row.post_id)?.push(row.name);
  return result;
}

/** One tag of a post with what its page shows: category (for grouping and colour) and post count. */
export interface PostTagDetail {
  name: string;
  category: TagCategory;
  postCount: number;
}

/** The tags of one post with their category and post count, sorted by name. */
export async function postTagDetails(client: RawClient, postId: number): Promise<PostTagDetail[]> {
  const rows = await client.$queryRaw<Array<{ name: string; category: TagCategory; post_count: number }>>`
    SELECT t.name, t.category::text AS category, t.post_count FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
    WHERE pt.post_id = ${postId} ORDER BY t.name`;
  return rows.map((row) => ({ name: row.name, category: row.category, postCount: row.post_count }));
}

/** Danbooru's tag string: the names sorted and joined by single spaces. */
export function tagString(names: readonly string[]): string {
  return [...names].sort().join(' ');
}

/** Replaces the tags of post `postId` with `names`, keeping tags.post_count right. Resolves the sorted names. */
export async function setPostTags(
  client: Pick<AppPrismaClient, '$transaction'>,
  postId: number,
  names: readonly string[],
): Promise<string[]> {
  return client.$transaction((tx) => writePostTags(tx, postId, names));
}

/**
 * setPostTags inside a transaction the caller holds (e.g. the one that creates the post): two
 * statements, see the file comment. Resolves the sorted names.
 */
export async function writePostTags(
  client: RawClient,
  postId: number,
  names: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(names)].sort();
  await client.$executeRaw`
      INSERT INTO tags (name, updated_at) SELECT unnest(${wanted}::text[]), now()
      ON CONFLICT (name) DO NOTHING`;
  await client.$executeRaw`
      WITH wanted AS (SELECT id FROM tags WHERE name = ANY(${wanted}::text[])),
      removed AS (
        DELETE FROM post_tags WHERE post_id = ${postId} AND tag_id NOT IN (SELECT id FROM wanted) RETURNING tag_id
      ),
      added AS (
        INSERT INTO post_tags (post_id, tag_id) SELECT ${postId}, id FROM wanted ON CONFLICT DO NOTHING RETURNING tag_id
      ),
      deltas AS (SELECT tag_id, 1 AS delta FROM added UNION ALL SELECT tag_id, -1 FROM removed),
      counted AS (
        UPDATE tags t SET post_count = t.post_count + d.delta, updated_at = now() FROM deltas d WHERE t.id = d.tag_id RETURNING t.id
      )
      UPDATE posts SET updated_at = now() WHERE id = ${postId} AND EXISTS (SELECT 1 FROM deltas)`;
  return wanted;
}

/**
 * One chunk of deleteManyPosts ($1: the ids): the posts' post_tags rows go first, each tag's
 * post_count dropping by as many rows as it lost, then the posts (favorites cascade). One
 * statement, so the counts cannot disagree with post_tags after a crash. Its row count is the posts
 * deleted.
 */
export const DELETE_POSTS_STATEMENT = `
  WITH removed AS (DELETE FROM post_tags WHERE post_id = ANY($1::bigint[]) RETURNING tag_id),
  counted AS (
    UPDATE tags t SET post_count = GREATEST(t.post_count - r.n, 0), updated_at = now()
    FROM (SELECT tag_id, count(*)::int AS n FROM removed GROUP BY tag_id) r
    WHERE t.id = r.tag_id
    RETURNING t.id
  )
  DELETE FROM posts WHERE id = ANY($1::bigint[])`;

/**
 * The post repository's deleteMany: deletes posts by id, one statement per chunk of ids on one
 * connection (app/db/delete-many.ts), keeping tags.post_count right. Resolves the posts deleted.
 */
export async function deleteManyPosts(
  pool: ConnectionPool,
  ids: RecordIds,
  options?: DeleteManyOptions,
): Promise<number> {
  return deleteManyWith(pool, DELETE_POSTS_STATEMENT, ids, options);
}
