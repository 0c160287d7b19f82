/**
 * Post search in SQL: the tag ids of a search (aliases resolved, wildcards expanded) and the
 * page of post ids that match, over post_tags (post_id, tag_id) and its (tag_id, post_id) index.
 *
 * Steps of resolveSearchTags: one statement maps every tag name of the search to the tag it
 * stands for: the consequent of the name's active alias when there is one (Danbooru's
 * TagAlias.to_aliased), else the name itself; names without a tag map to nothing. Wildcard
 * patterns expand, each in its own statement, to at most MAX_WILDCARD_TAGS tags with posts, most
 * used first (Danbooru's Tag.wildcard_matches).
 * Steps of searchPostIds (searchStatement): start from the post_tags rows of the rarest required
 * tag (else of the rarest OR group, else from posts); each other required tag is an EXISTS on
 * post_tags, each other OR group (the ~tags, each wildcard) an EXISTS over its ids, the excluded
 * tags one NOT EXISTS, ratings a column test; ordered by the search's order, then by id; a page of
 * ids plus the count of matches up to `countLimit` (counting stops there: a search matching
 * 100,000 posts does not count them all).
 *
 * Plain node-postgres (app/db/pg-pool.ts), not Prisma: a search runs 3-4 short statements per page
 * view, and the Prisma client's raw queries cost about 2 ms more each on this machine (bench/search).
 *
 * Example:
 *   const ids = await resolveSearchTags(dbPool(), ['long_hair', 'aaa'])   // Map { long_hair -> 3, aaa -> 7 (bbb's id) }
 *   await searchPostIds(dbPool(), { required: [3], anyOfGroups: [], excluded: [], ... }, { limit: 20, offset: 0, countLimit: 10001 })
 */
import type { SqlReader } from './deletion.repository';
import type { PostRating } from './generated/enums';
import { likePattern } from './like-pattern';

/** Tags one wildcard stands for at most (the most used first). @defaultValue 100 */
export const MAX_WILDCARD_TAGS = 100;

/** A tag a search names, with its post count (the search starts from its rarest tag). */
export interface SearchTag {
  id: number;
  postCount: number;
}

/** name -> the tag it stands for (through an active alias); names with no tag are absent. */
export async function resolveSearchTags(
  reader: SqlReader,
  names: readonly string[],
): Promise<Map<string, SearchTag>> {
  if (names.length === 0) return new Map();
  const { rows } = await reader.query<{ name: string; id: number; post_count: number }>(
    `SELECT n.name, t.id, t.post_count
     FROM unnest($1::text[]) AS n(name)
     LEFT JOIN tag_aliases a ON a.antecedent_name = n.name AND a.status = 'active'
     JOIN tags t ON t.name = COALESCE(a.consequent_name, n.name)`,
    [[...names]],
  );
  return new Map(rows.map((row) => [row.name, { id: row.id, postCount: row.post_count }]));
}

/** The tags (with posts) a `*` pattern matches, most used first. */
export async function expandWildcard(reader: SqlReader, pattern: string): Promise<SearchTag[]> {
  const { rows } = await reader.query<{ id: number; post_count: number }>(
    `SELECT id, post_count FROM tags WHERE name LIKE $1 ESCAPE '\\' AND post_count > 0
     ORDER BY post_count DESC, name LIMIT $2`,
    [likePattern(pattern), MAX_WILDCARD_TAGS],
  );
  return rows.map((row) => ({ id: row.id, postCount: row.post_count }));
}

export type SearchSqlOrder = 'id_desc' | 'id' | 'score' | 'score_asc' | 'favcount' | 'favcount_asc';

export interface ResolvedSearch {
  /** Each must be on the post; the rarest first (the statement starts from it). */
  required: number[];
  /** Each group: at least one must be on the post; the rarest group first. */
  anyOfGroups: number[][];
  /** None may be on the post. */
  excluded: number[];
  ratings: PostRating[];
  excludedRatings: PostRating[];
  order: SearchSqlOrder;
}

/** Orders over the posts row (p), and over the post id alone (d.post_id: no posts row needed). */
const ORDER_BY: Readonly<Record<SearchSqlOrder, string>> = {
  id_desc: 'p.id DESC',
  id: 'p.id ASC',
  score: 'p.score DESC, p.id DESC',
  score_asc: 'p.score ASC, p.id ASC',
  favcount: 'p.fav_count DESC, p.id DESC',
  favcount_asc: 'p.fav_count ASC, p.id ASC',
};
const ORDER_BY_ID: Partial<Readonly<Record<SearchSqlOrder, string>>> = {
  id_desc: 'd.post_id DESC',
  id: 'd.post_id ASC',
};

/**
 * FROM and WHERE of a search and its parameters ($1, $2, ... in order), plus the expressions for
 * the post id and the ORDER BY. The statement starts from the rarest required tag's post_tags
 * rows, else the rarest OR group's, else from posts; posts is joined only when a rating or a
 * non-id order needs its columns, so an id-ordered tag search reads the (tag_id, post_id) index
 * alone.
 */
export function searchStatement(search: ResolvedSearch): {
  from: string;
  where: string;
  params: unknown[];
  id: string;
  orderBy: string;
} {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const [driverTag, ...otherTags] = search.required;
  const [driverGroup, ...otherGroups] =
    driverTag === undefined ? search.anyOfGroups : [undefined, ...search.anyOfGroups];
  const needsPost =
    search.ratings.length > 0 || search.excludedRatings.length > 0 || ORDER_BY_ID[search.order] === undefined;
  let from: string;
  let id: string;
  const conditions: string[] = [];
  if (driverTag !== undefined || driverGroup !== undefined) {
    from =
      driverTag !== undefined
        ? `post_tags d`
        : `(SELECT DISTINCT post_id FROM post_tags WHERE tag_id = ANY(${param(driverGroup)}::int[])) d`;
    if (driverTag !== undefined) conditions.push(`d.tag_id = ${param(driverTag)}::int`);
    if (needsPost) from += ' JOIN posts p ON p.id = d.post_id';
    id = 'd.post_id';
  } else {
    from = 'posts p';
    id = 'p.id';
  }
  const has = (test: string) => `EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = ${id} AND ${test})`;
  conditions.push(
    ...otherTags.map((tag) => has(`pt.tag_id = ${param(tag)}::int`)),
    ...(otherGroups as number[][]).map((ids) => has(`pt.tag_id = ANY(${param(ids)}::int[])`)),
  );
  if (search.excluded.length > 0)
    conditions.push(`NOT ${has(`pt.tag_id = ANY(${param(search.excluded)}::int[])`)}`);
  if (search.ratings.length > 0) conditions.push(`p.rating = ANY(${param(search.ratings)}::post_rating[])`);
  if (search.excludedRatings.length > 0)
    conditions.push(`p.rating <> ALL(${param(search.excludedRatings)}::post_rating[])`);
  const orderBy =
    id === 'd.post_id' && !needsPost ? (ORDER_BY_ID[search.order] as string) : ORDER_BY[search.order];
  return {
    from,
    where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '',
    params,
    id,
    orderBy,
  };
}

export interface SearchPage {
  limit: number;
  offset: number;
  /** Counting stops at this many matches. */
  countLimit: number;
}

/** A page of matching post ids, in order, and how many posts match (at most countLimit). */
export async function searchPostIds(
  reader: SqlReader,
  search: ResolvedSearch,
  page: SearchPage,
): Promise<{ ids: number[]; total: number }> {
  const statement = searchStatement(search);
  const n = statement.params.length;
  const body = `FROM ${statement.from} ${statement.where}`;
  const [rows, counted] = await Promise.all([
    reader.query<{ id: number }>(
      `SELECT ${statement.id} AS id ${body} ORDER BY ${statement.orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...statement.params, page.limit, page.offset],
    ),
    reader.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 ${body} LIMIT $${n + 1}) matched`, [
      ...statement.params,
      page.countLimit,
    ]),
  ]);
  return { ids: rows.rows.map((row) => row.id), total: counted.rows[0]?.n ?? 0 };
}
