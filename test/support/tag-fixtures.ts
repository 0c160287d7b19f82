/**
 * Tag fixtures for tests on the real test database: tags, aliases and implications by name.
 *
 * createTagWorld builds the small world the BUR validator tests read: tags with post counts, live
 * and dead aliases, an implication chain kitten -> cat -> animal -> living_thing.
 *
 * Example:
 *   await createTagWorld(db);
 *   await createTags(db, [{ name: 'cat', postCount: 12 }, { name: 'old', isDeprecated: true }]);
 *   await createAliases(db, [['kitty', 'cat'], ['gone', 'cat', 'deleted']]);
 *   await createImplications(db, [['cat', 'animal']]);
 */
import type { AppPrismaClient } from '../../app/db/client';
import type { TagCategory, TagRelationshipStatus } from '../../app/db/generated/enums';

export interface TagSpec {
  name: string;
  postCount?: number;
  category?: TagCategory;
  isDeprecated?: boolean;
}

export async function createTags(db: AppPrismaClient, tags: readonly TagSpec[]): Promise<void> {
  await db.tag.createMany({ data: tags.map((tag) => ({ postCount: 0, ...tag })) });
}

type Pair = readonly [antecedent: string, consequent: string, status?: TagRelationshipStatus];

export async function createAliases(db: AppPrismaClient, pairs: readonly Pair[]): Promise<void> {
  await db.tagAlias.createMany({
    data: pairs.map(([antecedentName, consequentName, status = 'active']) => ({
      antecedentName,
      consequentName,
      status,
    })),
  });
}

export async function createImplications(db: AppPrismaClient, pairs: readonly Pair[]): Promise<void> {
  await db.tagImplication.createMany({
    data: pairs.map(([antecedentName, consequentName, status = 'active']) => ({
      antecedentName,
      consequentName,
      status,
    })),
  });
}

/** Every tag name createTagWorld mentions (tags, aliases and implications). */
export const TAG_WORLD_NAMES = [
  'cat',
  'animal',
  'living_thing',
  'kitten',
  'feline',
  'small',
  'big',
  'old_tag',
  'plain',
  'other',
  'pokémon',
  'kitty',
  'moggy',
  'gone',
  'retired_x',
  'y',
  'pending_a',
  'pending_b',
  'proc_a',
  'proc_b',
  'ghost',
] as const;

export async function createTagWorld(db: AppPrismaClient): Promise<void> {
  await createTags(db, [
    { name: 'cat', postCount: 12 },
    { name: 'animal', postCount: 40 },
    { name: 'living_thing', postCount: 50 },
    { name: 'kitten', postCount: 3 },
    { name: 'feline', postCount: 0 },
    { name: 'small', postCount: 200 },
    { name: 'big', postCount: 201 },
    { name: 'old_tag', postCount: 5, isDeprecated: true },
    { name: 'plain', postCount: 7 },
    { name: 'other', postCount: 1 },
    { name: 'pokémon', postCount: 2, category: 'copyright' },
  ]);
  await createAliases(db, [
    ['kitty', 'cat'],
    ['moggy', 'cat'],
    ['gone', 'cat', 'deleted'],
    ['retired_x', 'y', 'retired'],
    ['pending_a', 'pending_b', 'pending'],
    ['proc_a', 'proc_b', 'processing'],
  ]);
  await createImplications(db, [
    ['kitten', 'cat'],
    ['cat', 'animal'],
    ['animal', 'living_thing'],
    ['feline', 'cat', 'deleted'],
    ['ghost', 'plain'],
  ]);
}
