import { describe, expect, it } from 'vitest';
import { searchStatement, type ResolvedSearch } from '../../app/db/post-search.repository';

const none: ResolvedSearch = {
  required: [],
  anyOfGroups: [],
  excluded: [],
  ratings: [],
  excludedRatings: [],
  order: 'id_desc',
};

describe('searchStatement', () => {
  it('starts an id-ordered tag search from the first (rarest) required tag’s post_tags rows, without posts', () => {
    const statement = searchStatement({ ...none, required: [7, 3], excluded: [9] });
    expect(statement.from).toBe('post_tags d');
    expect(statement.where).toBe(
      'WHERE d.tag_id = $1::int AND EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = d.post_id AND pt.tag_id = $2::int) ' +
        'AND NOT EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = d.post_id AND pt.tag_id = ANY($3::int[]))',
    );
    expect(statement.params).toEqual([7, 3, [9]]);
    expect(statement).toMatchObject({ id: 'd.post_id', orderBy: 'd.post_id DESC' });
  });

  it('starts from the first OR group when no tag is required, and joins posts for a rating or a score order', () => {
    const statement = searchStatement({
      ...none,
      anyOfGroups: [[1, 2], [5]],
      ratings: ['g'],
      order: 'score',
    });
    expect(statement.from).toBe(
      '(SELECT DISTINCT post_id FROM post_tags WHERE tag_id = ANY($1::int[])) d JOIN posts p ON p.id = d.post_id',
    );
    expect(statement.where).toContain('pt.tag_id = ANY($2::int[])');
    expect(statement.where).toContain('p.rating = ANY($3::post_rating[])');
    expect(statement.orderBy).toBe('p.score DESC, p.id DESC');
  });

  it('reads posts alone for a search without tags', () => {
    expect(searchStatement({ ...none, order: 'favcount_asc' })).toMatchObject({
      from: 'posts p',
      where: '',
      id: 'p.id',
      orderBy: 'p.fav_count ASC, p.id ASC',
    });
  });
});
