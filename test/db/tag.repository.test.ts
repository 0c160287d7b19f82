import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTagRepository,
  LIVE_RELATIONSHIP_STATUSES,
  recountTagPostCounts,
} from '../../app/db/tag.repository';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';
import { createAliases, createImplications, createTags } from '../support/tag-fixtures';

const db = testPrisma();
const repository = createTagRepository(db);

beforeEach(() => truncateAll());
afterAll(() => disconnectTestPrisma());

const byName = <T extends { name: string }>(rows: T[]) =>
  [...rows].sort((a, b) => a.name.localeCompare(b.name));
const pairs = (rows: Array<{ antecedentName: string; consequentName: string }>) =>
  rows.map((row) => `${row.antecedentName} -> ${row.consequentName}`).sort();

describe('createTagRepository', () => {
  it('finds the existing tags among the names, with category, post count and deprecation', async () => {
    await createTags(db, [
      { name: 'cat', postCount: 3, category: 'general' },
      { name: 'someone', postCount: 1, category: 'artist', isDeprecated: true },
      { name: 'unrelated' },
    ]);

    expect(byName(await repository.findTags(['cat', 'someone', 'missing']))).toEqual([
      { name: 'cat', category: 'general', postCount: 3, isDeprecated: false },
      { name: 'someone', category: 'artist', postCount: 1, isDeprecated: true },
    ]);
    expect(await repository.findTags([])).toEqual([]);
  });

  it('finds live aliases touching the names from either side, and no others', async () => {
    expect(LIVE_RELATIONSHIP_STATUSES).toEqual(['active', 'processing']);
    await createAliases(db, [
      ['kitty', 'cat'],
      ['cat', 'feline', 'processing'],
      ['moggy', 'cat', 'deleted'],
      ['puss', 'cat', 'retired'],
      ['tabby', 'cat', 'pending'],
      ['dog', 'canine'],
    ]);

    expect(pairs(await repository.findLiveAliases(['cat']))).toEqual(['cat -> feline', 'kitty -> cat']);
    expect(pairs(await repository.findLiveAliases(['canine', 'nothing']))).toEqual(['dog -> canine']);
    expect(await repository.findLiveAliases([])).toEqual([]);
  });

  it('finds live implications touching the names from either side', async () => {
    await createImplications(db, [
      ['kitten', 'cat'],
      ['cat', 'animal'],
      ['cat', 'pet', 'deleted'],
      ['dog', 'animal'],
    ]);

    expect(pairs(await repository.findLiveImplications(['cat']))).toEqual(['cat -> animal', 'kitten -> cat']);
    expect(pairs(await repository.findLiveImplications(['animal']))).toEqual([
      'cat -> animal',
      'dog -> animal',
    ]);
  });
});

describe('recountTagPostCounts', () => {
  it('sets every count from post_tags, touching only wrong rows, or only the given tags', async () => {
    await createTags(db, [
      { name: 'a', postCount: 99 },
      { name: 'b', postCount: 2 },
      { name: 'c', postCount: 5 },
    ]);
    const tags = new Map((await db.tag.findMany()).map((tag) => [tag.name, tag.id]));
    const posts = await db.post.createManyAndReturn({ data: [{ md5: '1' }, { md5: '2' }] });
    await db.postTag.createMany({
      data: posts.flatMap((post) => [
        { postId: post.id, tagId: tags.get('a')! },
        { postId: post.id, tagId: tags.get('b')! },
      ]),
    });

    expect(await recountTagPostCounts(db, [tags.get('a')!])).toBe(1);
    expect((await db.tag.findUniqueOrThrow({ where: { name: 'c' } })).postCount).toBe(5);

    expect(await recountTagPostCounts(db)).toBe(1); // only c was wrong; b was right
    const counts = Object.fromEntries((await db.tag.findMany()).map((tag) => [tag.name, tag.postCount]));
    expect(counts).toEqual({ a: 2, b: 2, c: 0 });
    expect(await recountTagPostCounts(db)).toBe(0);
  });
});
