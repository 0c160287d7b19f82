/**
 * Post search in SQL: the tag ids of a search (aliases resolved, wildcards expanded) and the
 * page of post ids that match, over post_tags (post_id, tag_id) and its (tag_id, post_id) index.
 *
 * Steps of resolveSearchTags: one statement maps every tag name of the search to the tag it
 * stands for: the consequent of the name's active alias when there is one (Danbooru's
 * TagAlias.to_aliased), else the name itself; names without a tag map to nothing. Wildcard
 * patterns expand, each in its own statement, to at most MAX_WILDCARD_TAGS tags with posts, most
 * used first (Danbooru's Tag.wildcard_matches).
 * Steps of searchPostIds: each required tag is an EXISTS on post_tags, each OR group (the ~tags,
 * each wildcard) an EXISTS over its ids, the excluded tags one NOT EXISTS, ratings a column test;
 * ordered by the search's order, then by id; a page of ids plus the count of matches up to
 * `countLimit` (counting stops there: a search matching 100,000 posts does not count them all).
 *
 * Example:
 *   const ids = await resolveSearchTags(prisma(), ['long_hair', 'aaa'])   // Map { long_hair -> 3, aaa -> 7 (bbb's id) }
 *   await searchPostIds(prisma(), { required: [3], anyOf: [], excluded: [], ... }, { limit: 20, offset: 0, countLimit: 20001 })
 */
import type { AppPrismaClient } from './client';
import { Prisma } from './generated/client';
import type { PostRating } from './generated/enums';
import { likePattern } from './like-pattern';

/** Tags one wildcard stands for at most (the most used first). @defaultValue 100 */
export const MAX_WILDCARD_TAGS = 100;

type RawClient = Pick<AppPrismaClient, '$queryRaw'>;

/** name -> the id of the tag it stands for (through an active alias); names with no tag are absent. */
export async function resolveSearchTags(
  client: RawClient,
  names: readonly string[],
): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const rows = await client.$queryRaw<Array<{ name: string; id: number }>>`
    SELECT n.name, t.id
    FROM unnest(${[...names]}::text[]) AS n(name)
    LEFT JOIN tag_aliases a ON a.antecedent_name = n.name AND a.status = 'active'
    JOIN tags t ON t.name = COALESCE(a.consequent_name, n.name)`;
  return new Map(rows.map((row) => [row.name, row.id]));
}

/** The ids of the tags (with posts) a `*` pattern matches, most used first. */
export async function expandWildcard(client: RawClient, pattern: string): Promise<number[]> {
  const rows = await client.$queryRaw<Array<{ id: number }>>`
    SELECT id FROM tags WHERE name LIKE ${likePattern(pattern)} ESCAPE '\\' AND post_count > 0
    ORDER BY post_count DESC, name LIMIT ${MAX_WILDCARD_TAGS}`;
  return rows.map((row) => row.id);
}

export type SearchSqlOrder = 'id_desc' | 'id' | 'score' | 'score_asc' | 'favcount' | 'favcount_asc';

export interface ResolvedSearch {
  /** Each must be on the post. */
  required: number[];
  /** Each group: at least one must be on the post. */
  anyOfGroups: number[][];
  /** None may be on the post. */
  excluded: number[];
  ratings: PostRating[];
  excludedRatings: PostRating[];
  order: SearchSqlOrder;
}

const ORDER_BY: Readonly<Record<SearchSqlOrder, Prisma.Sql>> = {
  id_desc: Prisma.sql`p.id DESC`,
  id: Prisma.sql`p.id ASC`,
  score: Prisma.sql`p.score DESC, p.id DESC`,
  score_asc: Prisma.sql`p.score ASC, p.id ASC`,
  favcount: Prisma.sql`p.fav_count DESC, p.id DESC`,
  favcount_asc: Prisma.sql`p.fav_count ASC, p.id ASC`,
};

function whereOf(search: ResolvedSearch): Prisma.Sql {
  const conditions: Prisma.Sql[] = [
    ...search.required.map(
      (id) => Prisma.sql`EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = p.id AND pt.tag_id = ${id})`,
    ),
    ...search.anyOfGroups.map(
      (ids) =>
        Prisma.sql`EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = p.id AND pt.tag_id = ANY(${ids}::int[]))`,
    ),
  ];
  if (search.excluded.length > 0)
    conditions.push(
      Prisma.sql`NOT EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = p.id AND pt.tag_id = ANY(${search.excluded}::int[]))`,
    );
  if (search.ratings.length > 0)
    conditions.push(Prisma.sql`p.rating = ANY(${search.ratings}::text[]::post_rating[])`);
  if (search.excludedRatings.length > 0)
    conditions.push(Prisma.sql`p.rating <> ALL(${search.excludedRatings}::text[]::post_rating[])`);
  return conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
}

export interface SearchPage {
  limit: number;
  offset: number;
  /** Counting stops at this many matches. */
  countLimit: number;
}

/** A page of matching post ids, in order, and how many posts match (at most countLimit). */
export async function searchPostIds(
  client: RawClient,
  search: ResolvedSearch,
  page: SearchPage,
): Promise<{ ids: number[]; total: number }> {
  const where = whereOf(search);
  const [rows, counted] = await Promise.all([
    client.$queryRaw<Array<{ id: number }>>`
      SELECT p.id FROM posts p ${where} ORDER BY ${ORDER_BY[search.order]} LIMIT ${page.limit} OFFSET ${page.offset}`,
    client.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM (SELECT 1 FROM posts p ${where} LIMIT ${page.countLimit}) matched`,
  ]);
  return { ids: rows.map((row) => row.id), total: counted[0]?.n ?? 0 };
}
