/**
 * The validator's request-time rules taken from Danbooru (TagImplication's category and size
 * rules, Category's same-category rule), with Danbooru's messages, and the approval context that
 * skips the rules Danbooru checks only when a request is made or edited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTagRepository } from '../../../app/db/tag.repository';
import { checkScript } from '../../../app/services/bulk-update-request/script-validator';
import type { ValidationContext } from '../../../app/services/bulk-update-request/types';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';
import { createAliases, createImplications, createTags } from '../../support/tag-fixtures';
import { createPostsWithTags } from './processing-support';

const db = testPrisma();
const repository = createTagRepository(db);

beforeAll(async () => {
  await truncateAll();
  // Real posts (the 90 % rule counts posts with either tag): whole on 20, most on 19 of them,
  // tiny on 5, char_x (character) on 3, copy_y (copyright) on 5 others.
  await createPostsWithTags(db, [
    ...Array.from({ length: 20 }, (_, i) => (i < 19 ? ['whole', 'most'] : ['whole'])),
    ...Array.from({ length: 5 }, () => ['tiny']),
    ...Array.from({ length: 5 }, () => ['copy_y']),
    ...Array.from({ length: 3 }, () => ['char_x']),
  ]);
  await db.tag.update({ where: { name: 'char_x' }, data: { category: 'character' } });
  await db.tag.update({ where: { name: 'copy_y' }, data: { category: 'copyright' } });
  // Counts only (no posts): a huge general tag and a niche one below 0.01 % of it.
  await createTags(db, [
    { name: 'huge', postCount: 200_000 },
    { name: 'niche', postCount: 12 },
    { name: 'empty_char', category: 'character' },
  ]);
  await createAliases(db, [['old_name', 'whole']]);
  await createImplications(db, [['most', 'whole']]);
});
afterAll(() => disconnectTestPrisma());

async function errorsOf(script: string, context: ValidationContext = 'request') {
  const check = await checkScript(script, repository, context);
  return check.errors.map((error) => [error.lineNumber, error.reason]);
}

describe('create implication at request time (Danbooru TagImplication, on: :request)', () => {
  it('refuses tags of different categories', async () => {
    expect(await errorsOf('imply char_x -> copy_y')).toEqual([
      [
        1,
        "Can't create implication [[char_x]] -> [[copy_y]] (Can't imply a character tag to a copyright tag)",
      ],
    ]);
  });

  it('refuses a general antecedent with fewer than 10 posts, joining every reason', async () => {
    expect(await errorsOf('imply tiny -> whole')).toEqual([
      [1, "Can't create implication [[tiny]] -> [[whole]] ([[tiny]] must have at least 10 posts)"],
    ]);
    expect(await errorsOf('imply tiny -> copy_y')).toEqual([
      [
        1,
        "Can't create implication [[tiny]] -> [[copy_y]] (Can't imply a general tag to a copyright tag; [[tiny]] must have at least 10 posts)",
      ],
    ]);
  });

  it('refuses a general antecedent below 0.01 % of the consequent', async () => {
    expect(await errorsOf('imply niche -> huge')).toEqual([
      [1, "Can't create implication [[niche]] -> [[huge]] ([[niche]] must have at least 20 posts)"],
    ]);
  });

  it('refuses an antecedent making up more than 90 % of the posts with either tag', async () => {
    expect(await errorsOf('unimply most -> whole\nimply most -> whole')).toEqual([
      [
        2,
        "Can't create implication [[most]] -> [[whole]] ([[most]] can't make up more than 90% of [[whole]])",
      ],
    ]);
  });

  it('lets an empty or new tag through (it may be filled by an earlier script), and skips all this at approval', async () => {
    expect(await errorsOf('imply empty_char -> copy_y')).toEqual([]);
    expect(await errorsOf('imply tiny -> brand_new')).toEqual([]);
    expect(await errorsOf('imply char_x -> copy_y', 'approval')).toEqual([]);
    expect(await errorsOf('imply tiny -> whole', 'approval')).toEqual([]);
  });
});

describe('category at request time', () => {
  it("refuses a change to the tag's own category with Danbooru's message, but not at approval", async () => {
    expect(await errorsOf('category copy_y -> copyright')).toEqual([
      [1, "Can't change the category of [[copy_y]] to copyright ([[copy_y]] is already in that category)"],
    ]);
    expect(await errorsOf('category copy_y -> copyright', 'approval')).toEqual([]);
    expect(await errorsOf('category nowhere -> artist', 'approval')).toEqual([
      [1, "the tag 'nowhere' doesn't exist"],
    ]);
  });
});

describe('the approval context', () => {
  const gone = [
    'unalias old_name -> nothing',
    'unimply tiny -> whole',
    'deprecate no_such_tag',
    'undeprecate tiny',
    'alias old_name -> whole',
  ];

  it('refuses at request time what is missing or already done', async () => {
    expect((await errorsOf(gone.join('\n'))).map(([line]) => line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('lets the same lines be approved: each finds nothing to do when it runs, as in Danbooru', async () => {
    expect(await errorsOf(gone.join('\n'), 'approval')).toEqual([]);
  });
});
