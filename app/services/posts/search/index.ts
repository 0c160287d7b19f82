/**
 * Post search: Danbooru's basic syntax (./query-parser.ts) over the database
 * (app/db/post-search.repository.ts), for /posts?tags=, /api/posts?tags= and the bench.
 *
 * Steps of searchPosts: parse the words; resolve every tag name through active aliases (a search
 * for an alias's antecedent finds its consequent's posts) and expand each wildcard; a required
 * tag that does not exist, a ~group or a wildcard with no tag, means no post matches (no post
 * query is run); excluded tags that do not exist are dropped; the required tags and OR groups are
 * put rarest first (by post_count), where the statement starts; then one page of post ids and the
 * number of matches, counted up to COUNT_LIMIT.
 *
 * Example:
 *   const result = await searchPosts(dbPool(), 'aaa -smile order:score', { page: 1, perPage: 20 })
 *   // { ids: [41, 7, ...], total: 52, totalIsExact: true, query: 'aaa -smile order:score', ... }
 */
import type { SqlReader } from '../../../db/deletion.repository';
import {
  expandWildcard,
  resolveSearchTags,
  searchPostIds,
  type ResolvedSearch,
  type SearchTag,
} from '../../../db/post-search.repository';
import { formatPostQuery, parsePostQuery, SearchQueryError, type PostQuery } from './query-parser';

/** Matches counted at most; past it the page says "10,000+". @defaultValue 10,000 */
export const COUNT_LIMIT = 10_000;
/** Deepest page (Danbooru's limit for its members). @defaultValue 1000 */
export const MAX_PAGE = 1000;

export interface SearchResult {
  ids: number[];
  /** Matches, at most COUNT_LIMIT. */
  total: number;
  /** false: more than COUNT_LIMIT posts match. */
  totalIsExact: boolean;
  /** The search in canonical form. */
  query: string;
  parsed: PostQuery;
  page: number;
  perPage: number;
}

/** The search with tag ids in place of names, or undefined when no post can match. */
export async function resolvePostQuery(
  reader: SqlReader,
  query: PostQuery,
): Promise<ResolvedSearch | undefined> {
  const tags = await resolveSearchTags(reader, [...query.required, ...query.anyOf, ...query.excluded]);
  const required: SearchTag[] = [];
  for (const name of query.required) {
    const tag = tags.get(name);
    if (tag === undefined) return undefined;
    required.push(tag);
  }
  const groups: SearchTag[][] = [];
  if (query.anyOf.length > 0) {
    const group = query.anyOf.flatMap((name) => tags.get(name) ?? []);
    if (group.length === 0) return undefined;
    groups.push(group);
  }
  const excluded = query.excluded.flatMap((name) => tags.get(name)?.id ?? []);
  for (const wildcard of query.wildcards) {
    const matches = await expandWildcard(reader, wildcard.pattern);
    if (wildcard.negated) excluded.push(...matches.map((tag) => tag.id));
    else if (matches.length === 0) return undefined;
    else groups.push(matches);
  }
  const posts = (group: SearchTag[]) => group.reduce((sum, tag) => sum + tag.postCount, 0);
  required.sort((a, b) => a.postCount - b.postCount);
  groups.sort((a, b) => posts(a) - posts(b));
  const anyOfGroups = groups.map((group) => [...new Set(group.map((tag) => tag.id))]);
  return {
    required: [...new Set(required.map((tag) => tag.id))],
    anyOfGroups,
    excluded: [...new Set(excluded)],
    ratings: query.ratings,
    excludedRatings: query.excludedRatings,
    order: query.order,
  };
}

export async function searchPosts(
  reader: SqlReader,
  input: string | undefined,
  options: { page: number; perPage: number },
): Promise<SearchResult> {
  const parsed = parsePostQuery(input);
  const { page, perPage } = options;
  if (page > MAX_PAGE)
    throw new SearchQueryError(`You cannot go beyond page ${MAX_PAGE}: narrow your search terms`);
  const base = { query: formatPostQuery(parsed), parsed, page, perPage };
  const resolved = await resolvePostQuery(reader, parsed);
  if (!resolved) return { ...base, ids: [], total: 0, totalIsExact: true };
  const { ids, total } = await searchPostIds(reader, resolved, {
    limit: perPage,
    offset: (page - 1) * perPage,
    countLimit: COUNT_LIMIT + 1,
  });
  return { ...base, ids, total: Math.min(total, COUNT_LIMIT), totalIsExact: total <= COUNT_LIMIT };
}

export { parsePostQuery, formatPostQuery, SearchQueryError, MAX_SEARCH_TAGS } from './query-parser';
export type { PostQuery, SearchOrder } from './query-parser';
