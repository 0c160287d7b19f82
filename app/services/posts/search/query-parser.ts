/**
 * Danbooru's basic post search syntax, parsed (no database): the words of /posts?tags=.
 *
 *   1girl smile      both tags (AND)
 *   -smile           not this tag
 *   ~cat ~dog        at least one of the ~tags (one OR group per search, as in Danbooru)
 *   long_*           any tag matching the pattern (* = any characters); -long_* excludes them all.
 *                    Each wildcard is an OR group of its own, ANDed with the rest (in Danbooru's
 *                    PostQueryBuilder its matches join the ~tags' one group, so `~a long_*` meant
 *                    a OR any long_ tag; here it means a AND some long_ tag)
 *   rating:g         rating general (g, s, q, e or general, sensitive, questionable, explicit;
 *                    a comma list rating:g,s); -rating:e excludes it
 *   order:score      score, highest first; also score_asc, id (oldest first), id_desc (the
 *                    default), favcount (fav for short) and favcount_asc
 * Words are split on whitespace and normalized as tag names (NFC, lower case). A word with a colon
 * other than these metatags is a tag name, as in Danbooru. At most MAX_SEARCH_TAGS tag words
 * (metatags do not count); a bad metatag value or too many tags is a SearchQueryError with the
 * text people see.
 *
 * Example:
 *   parsePostQuery('1girl -smile ~cat ~dog long_* rating:g order:score')
 *   // { required: ['1girl'], excluded: ['smile'], anyOf: ['cat', 'dog'],
 *   //   wildcards: [{ pattern: 'long_*', negated: false }], ratings: ['g'], excludedRatings: [], order: 'score' }
 */
import type { PostRating } from '../../../db/generated/enums';
import { normalizeTagName } from '../../bulk-update-request/tag-name';

/** Tag words one search may hold (Danbooru's tag_query_limit for its members is 2; Gold 6). @defaultValue 6 */
export const MAX_SEARCH_TAGS = 6;

export const SEARCH_ORDERS = ['id_desc', 'id', 'score', 'score_asc', 'favcount', 'favcount_asc'] as const;
export type SearchOrder = (typeof SEARCH_ORDERS)[number];

const ORDER_SPELLINGS: Readonly<Record<string, SearchOrder>> = {
  id: 'id',
  id_asc: 'id',
  id_desc: 'id_desc',
  score: 'score',
  score_desc: 'score',
  score_asc: 'score_asc',
  favcount: 'favcount',
  favcount_desc: 'favcount',
  favcount_asc: 'favcount_asc',
  fav: 'favcount',
  fav_asc: 'favcount_asc',
};

const RATING_SPELLINGS: Readonly<Record<string, PostRating>> = {
  g: 'g',
  general: 'g',
  s: 's',
  sensitive: 's',
  q: 'q',
  questionable: 'q',
  e: 'e',
  explicit: 'e',
};

export interface WildcardTerm {
  pattern: string;
  negated: boolean;
}

export interface PostQuery {
  required: string[];
  excluded: string[];
  anyOf: string[];
  wildcards: WildcardTerm[];
  ratings: PostRating[];
  excludedRatings: PostRating[];
  order: SearchOrder;
}

/** The search cannot be run as written; the message says why. */
export class SearchQueryError extends Error {
  override name = 'SearchQueryError';
}

function ratingsOf(value: string): PostRating[] {
  return value.split(',').map((word) => {
    const rating = RATING_SPELLINGS[word];
    if (!rating)
      throw new SearchQueryError(
        `"${word}" is not a rating: use rating:g (general), s (sensitive), q (questionable) or e (explicit)`,
      );
    return rating;
  });
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

export function parsePostQuery(input: string | undefined): PostQuery {
  const query: PostQuery = {
    required: [],
    excluded: [],
    anyOf: [],
    wildcards: [],
    ratings: [],
    excludedRatings: [],
    order: 'id_desc',
  };
  let tagWords = 0;
  for (const raw of (input ?? '').split(/\s+/).filter(Boolean)) {
    const word = normalizeTagName(raw);
    const metatag = /^(-?)(order|rating):(.*)$/.exec(word);
    if (metatag) {
      const [, negated, name, value = ''] = metatag;
      if (name === 'order') {
        const order = ORDER_SPELLINGS[value];
        if (!order || negated)
          throw new SearchQueryError(
            `"${word}" is not an order: use order:id, id_desc, score, score_asc, favcount or favcount_asc`,
          );
        query.order = order;
      } else if (negated) query.excludedRatings.push(...ratingsOf(value));
      else query.ratings.push(...ratingsOf(value));
      continue;
    }
    const operator = word[0] === '-' || word[0] === '~' ? word[0] : '';
    const name = word.slice(operator.length);
    if (name === '') continue; // a lone "-" or "~", ignored as Danbooru does
    tagWords += 1;
    if (name.includes('*')) {
      query.wildcards.push({ pattern: name, negated: operator === '-' });
    } else if (operator === '-') query.excluded.push(name);
    else if (operator === '~') query.anyOf.push(name);
    else query.required.push(name);
  }
  if (tagWords > MAX_SEARCH_TAGS)
    throw new SearchQueryError(`You cannot search for more than ${MAX_SEARCH_TAGS} tags at a time`);
  return {
    ...query,
    required: unique(query.required),
    excluded: unique(query.excluded),
    anyOf: unique(query.anyOf),
    ratings: unique(query.ratings),
    excludedRatings: unique(query.excludedRatings),
  };
}

/** The query written back in canonical form (for links and the search box). */
export function formatPostQuery(query: PostQuery): string {
  return [
    ...query.required,
    ...query.anyOf.map((t) => `~${t}`),
    ...query.wildcards.map((w) => `${w.negated ? '-' : ''}${w.pattern}`),
    ...query.excluded.map((t) => `-${t}`),
    ...(query.ratings.length ? [`rating:${query.ratings.join(',')}`] : []),
    ...(query.excludedRatings.length ? [`-rating:${query.excludedRatings.join(',')}`] : []),
    ...(query.order !== 'id_desc' ? [`order:${query.order}`] : []),
  ].join(' ');
}
