import { describe, expect, it } from 'vitest';
import {
  formatPostQuery,
  MAX_SEARCH_TAGS,
  parsePostQuery,
  SearchQueryError,
} from '../../../../app/services/posts/search/query-parser';

describe('parsePostQuery (Danbooru’s basic search syntax)', () => {
  it('reads plain words as tags that must all be there, normalized and without duplicates', () => {
    expect(parsePostQuery('  1Girl   solo 1girl ')).toMatchObject({
      required: ['1girl', 'solo'],
      excluded: [],
      anyOf: [],
      wildcards: [],
      order: 'id_desc',
    });
    expect(parsePostQuery(undefined).required).toEqual([]);
  });

  it('reads -tag as NOT, ~tag as one OR group and tag* as a wildcard (negated with -)', () => {
    expect(parsePostQuery('cat -dog ~red ~blue long_* -short*')).toMatchObject({
      required: ['cat'],
      excluded: ['dog'],
      anyOf: ['red', 'blue'],
      wildcards: [
        { pattern: 'long_*', negated: false },
        { pattern: 'short*', negated: true },
      ],
    });
  });

  it('ignores a lone - or ~ as Danbooru does, and keeps other words with a colon as tags', () => {
    expect(parsePostQuery('- ~ user:bob')).toMatchObject({ required: ['user:bob'], excluded: [], anyOf: [] });
  });

  it('reads order: in Danbooru’s spellings, fav being favcount', () => {
    const orders = {
      'order:id': 'id',
      'order:id_asc': 'id',
      'order:id_desc': 'id_desc',
      'order:score': 'score',
      'order:score_asc': 'score_asc',
      'order:favcount': 'favcount',
      'order:fav': 'favcount',
      'order:favcount_asc': 'favcount_asc',
      'ORDER:Score': 'score',
    };
    for (const [word, order] of Object.entries(orders)) expect(parsePostQuery(word).order, word).toBe(order);
  });

  it('reads rating: and -rating: by letter or name, with comma lists', () => {
    expect(parsePostQuery('rating:g,sensitive -rating:e')).toMatchObject({
      ratings: ['g', 's'],
      excludedRatings: ['e'],
    });
  });

  it('refuses an unknown order or rating, naming the word and the choices', () => {
    expect(() => parsePostQuery('order:random')).toThrow(SearchQueryError);
    expect(() => parsePostQuery('order:random')).toThrow(
      '"order:random" is not an order: use order:id, id_desc, score, score_asc, favcount or favcount_asc',
    );
    expect(() => parsePostQuery('rating:x')).toThrow(
      '"x" is not a rating: use rating:g (general), s (sensitive), q (questionable) or e (explicit)',
    );
  });

  it(`refuses more than ${MAX_SEARCH_TAGS} tags with Danbooru’s message; metatags do not count`, () => {
    const tags = Array.from({ length: MAX_SEARCH_TAGS }, (_, i) => `t${i}`).join(' ');
    expect(parsePostQuery(`${tags} rating:g order:score`).required).toHaveLength(MAX_SEARCH_TAGS);
    expect(() => parsePostQuery(`${tags} -extra`)).toThrow(
      `You cannot search for more than ${MAX_SEARCH_TAGS} tags at a time`,
    );
  });

  it('writes a query back in canonical form', () => {
    expect(formatPostQuery(parsePostQuery('order:score -dog ~b cat ~a long_* rating:g'))).toBe(
      'cat ~b ~a long_* -dog rating:g order:score',
    );
    expect(formatPostQuery(parsePostQuery(''))).toBe('');
  });
});
