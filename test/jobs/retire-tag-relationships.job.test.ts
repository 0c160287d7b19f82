import { describe, expect, it } from 'vitest';
import { RetireTagRelationshipsJob } from '../../jobs/retire-tag-relationships.job';
import { testPrisma, useFreshDatabase } from '../support/database';
import { createPost, daysAgo } from './fixtures';

const db = testPrisma();

useFreshDatabase();

const YEARS_3 = daysAgo(3 * 365);
const YEAR_1 = daysAgo(365);

describe('RetireTagRelationshipsJob', () => {
  it('retires active relationships over 2 years old whose consequent tag got no post in 2 years, and no others', async () => {
    // Posts: 'stale' only on an old post, 'busy' also on a recent one, 'ghost' on none (no tag row).
    await createPost(db, ['stale', 'busy'], { createdAt: YEARS_3 });
    await createPost(db, ['busy'], { createdAt: YEAR_1 });
    const relationship = (
      antecedentName: string,
      consequentName: string,
      createdAt: Date,
      status: 'active' | 'pending' | 'deleted' = 'active',
    ) => ({
      antecedentName,
      consequentName,
      createdAt,
      status,
    });
    await db.tagAlias.createMany({
      data: [
        relationship('old_stale', 'stale', YEARS_3), // retired
        relationship('old_ghost', 'ghost', YEARS_3), // retired: the consequent tag does not exist
        relationship('old_busy', 'busy', YEARS_3), // kept: 'busy' has a post from a year ago
        relationship('young_stale', 'stale', YEAR_1), // kept: the alias is not 2 years old
        relationship('old_pending', 'stale', YEARS_3, 'pending'), // kept: not active
        relationship('old_deleted', 'stale', YEARS_3, 'deleted'), // kept: not active
      ],
    });
    await db.tagImplication.createMany({
      data: [
        relationship('stale_child', 'stale', YEARS_3), // retired
        relationship('busy_child', 'busy', YEARS_3), // kept
        relationship('young_child', 'stale', YEAR_1), // kept
      ],
    });

    expect(await RetireTagRelationshipsJob.performNow(2)).toEqual({ aliases: 2, implications: 1 });

    const aliases = await db.tagAlias.findMany({
      select: { antecedentName: true, status: true },
      orderBy: { id: 'asc' },
    });
    expect(Object.fromEntries(aliases.map((a) => [a.antecedentName, a.status]))).toEqual({
      old_stale: 'retired',
      old_ghost: 'retired',
      old_busy: 'active',
      young_stale: 'active',
      old_pending: 'pending',
      old_deleted: 'deleted',
    });
    const implications = await db.tagImplication.findMany({
      select: { antecedentName: true, status: true },
      orderBy: { id: 'asc' },
    });
    expect(Object.fromEntries(implications.map((a) => [a.antecedentName, a.status]))).toEqual({
      stale_child: 'retired',
      busy_child: 'active',
      young_child: 'active',
    });
    const actions = await db.modAction.findMany({ orderBy: { id: 'asc' } });
    expect(actions.map((a) => [a.category, a.creatorId, a.subjectType, a.description])).toEqual([
      [
        'tag_alias_retire',
        null,
        'TagAlias',
        'retired tag alias [[old_stale]] -> [[stale]]: no new post of [[stale]] in 2 years',
      ],
      [
        'tag_alias_retire',
        null,
        'TagAlias',
        'retired tag alias [[old_ghost]] -> [[ghost]]: no new post of [[ghost]] in 2 years',
      ],
      [
        'tag_implication_retire',
        null,
        'TagImplication',
        'retired tag implication [[stale_child]] -> [[stale]]: no new post of [[stale]] in 2 years',
      ],
    ]);

    expect(await RetireTagRelationshipsJob.performNow()).toEqual({ aliases: 0, implications: 0 });
  });
});
