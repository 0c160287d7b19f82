/**
 * The alias and implication BUR commands' effect on the real database (create and remove alias,
 * create and remove implication), run through createBur + approveBur + processBulkUpdateRequest
 * with chunks of 2 posts, and post counts checked against a recount after every script. The other
 * commands are commands.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { approveBur, createBur } from '../../../app/services/bulk-update-request/approval';
import { processBulkUpdateRequest } from '../../../app/services/bulk-update-request/processing';
import { createAliases, createImplications } from '../../support/tag-fixtures';
import {
  createPostsWithTags,
  modActionsOf,
  postCount,
  postsWith,
  relationships,
  runScript,
  tagsOf,
  useBurFixtures,
} from './processing-support';

const fx = useBurFixtures({ checkPostCounts: true });
const db = fx.db;

describe('create alias', () => {
  it('moves every post and its count from A to B, and B keeps posts it had', async () => {
    const [p1, p2, p3, p4, p5] = await createPostsWithTags(db, [
      ['a', 'x'],
      ['a', 'b'],
      ['a'],
      ['b'],
      ['a', 'y'],
    ]);
    const { burId } = await runScript(db, fx.users, 'alias a -> b');

    expect(await postsWith(db, 'a')).toEqual([]);
    expect(await postsWith(db, 'b')).toEqual([p1, p2, p3, p4, p5]);
    expect(await tagsOf(db, p1 ?? 0)).toEqual(['b', 'x']);
    expect(await postCount(db, 'a')).toBe(0);
    expect(await postCount(db, 'b')).toBe(5);
    const alias = await db.tagAlias.findFirstOrThrow({ where: { antecedentName: 'a' } });
    expect(alias).toMatchObject({
      consequentName: 'b',
      status: 'active',
      creatorId: fx.users.member.id,
      approverId: fx.users.admin.id,
    });
    expect(await modActionsOf(db, burId)).toEqual([
      `bulk_update_request_approve: approved bulk update request #${burId}`,
      'tag_alias_create: created tag alias [[a]] -> [[b]]',
    ]);
    const bur = await db.bulkUpdateRequest.findUniqueOrThrow({
      where: { id: burId },
      include: { lines: true },
    });
    expect(bur.status).toBe('completed');
    expect(bur.completedAt).toBeInstanceOf(Date);
    expect(bur.lines).toMatchObject([{ status: 'done', rowsDone: 4, rowsTotal: 4 }]);
  });

  it('retargets aliases and implications of A to B (Danbooru TagMover) and adds what B implies', async () => {
    const [p1] = await createPostsWithTags(db, [['a'], ['c']]);
    await createAliases(db, [
      ['old_a', 'a'],
      ['b', 'x', 'deleted'],
    ]);
    await createImplications(db, [
      ['a', 'animal'],
      ['kit', 'a'],
      ['b', 'thing'],
    ]);
    await runScript(db, fx.users, 'alias a -> b');

    expect(await relationships(db, 'alias')).toEqual(['a -> b active', 'old_a -> b active']);
    expect(await relationships(db, 'implication')).toEqual([
      'b -> animal active',
      'b -> thing active',
      'kit -> b active',
    ]);
    expect(await tagsOf(db, p1 ?? 0)).toEqual(['animal', 'b', 'thing']);
  });

  it('deletes implications that would become duplicates or imply B itself', async () => {
    await createPostsWithTags(db, [['a'], ['b']]);
    await createImplications(db, [
      ['a', 'z'],
      ['b', 'z'],
      ['q', 'a'],
      ['q', 'b'],
    ]);
    await runScript(db, fx.users, 'alias a -> b');
    expect(await relationships(db, 'implication')).toEqual(['b -> z active', 'q -> b active']);
    expect(await relationships(db, 'implication', true)).toEqual([
      'a -> z deleted',
      'b -> z active',
      'q -> a deleted',
      'q -> b active',
    ]);
  });

  it('reverses B -> A: the old alias is deleted and the posts move to B', async () => {
    const [p1] = await createPostsWithTags(db, [['a']]);
    await createAliases(db, [['b', 'a']]);
    await runScript(db, fx.users, 'alias a -> b');
    expect(await relationships(db, 'alias', true)).toEqual(['a -> b active', 'b -> a deleted']);
    expect(await tagsOf(db, p1 ?? 0)).toEqual(['b']);
  });

  it('gives a new or general B the category of a non-general A', async () => {
    await createPostsWithTags(db, [['artist_a'], ['artist_c', 'general_d']]);
    await db.tag.updateMany({
      where: { name: { in: ['artist_a', 'artist_c'] } },
      data: { category: 'artist' },
    });
    await runScript(db, fx.users, 'alias artist_a -> new_name\nalias artist_c -> general_d');
    expect((await db.tag.findUniqueOrThrow({ where: { name: 'new_name' } })).category).toBe('artist');
    expect((await db.tag.findUniqueOrThrow({ where: { name: 'general_d' } })).category).toBe('artist');
  });
});

describe('remove alias', () => {
  it('deletes the alias and leaves posts alone', async () => {
    const [p1] = await createPostsWithTags(db, [['b']]);
    await createAliases(db, [['a', 'b']]);
    const { burId } = await runScript(db, fx.users, 'unalias a -> b');
    expect(await relationships(db, 'alias', true)).toEqual(['a -> b deleted']);
    expect(await tagsOf(db, p1 ?? 0)).toEqual(['b']);
    expect((await modActionsOf(db, burId)).at(-1)).toBe('tag_alias_delete: deleted tag alias [[a]] -> [[b]]');
  });

  it('is done, not failed, when the alias is already gone as it runs (Danbooru: existing_alias&.reject!)', async () => {
    await createAliases(db, [['a', 'b']]);
    await createImplications(db, [['c', 'd']]);
    const { bur } = await createBur(fx.users.member, 'unalias a -> b\nunimply c -> d', null, { db });
    await approveBur(bur, fx.users.admin, { db });
    await db.tagAlias.updateMany({ data: { status: 'deleted' } }); // removed in between
    await db.tagImplication.updateMany({ data: { status: 'deleted' } });
    expect(await processBulkUpdateRequest(db, bur.id)).toMatchObject({ status: 'completed', ranLines: 2 });
    expect((await modActionsOf(db, bur.id)).slice(1)).toEqual([
      'tag_alias_delete: tag alias [[a]] -> [[b]] was already gone',
      'tag_implication_delete: tag implication [[c]] -> [[d]] was already gone',
    ]);
  });

  it('runs after the create alias of the same script', async () => {
    await createPostsWithTags(db, [['a']]);
    await runScript(db, fx.users, 'alias a -> b\nunalias a -> b');
    expect(await relationships(db, 'alias', true)).toEqual(['a -> b deleted']);
    expect(await postsWith(db, 'b')).toHaveLength(1);
  });
});

describe('create implication', () => {
  it('adds B and what B implies to every post with A, counting each tag once', async () => {
    const [p1, p2, p3, p4] = await createPostsWithTags(db, [
      ['kitten'],
      ['kitten', 'cat'],
      ['kitten', 'cat', 'animal'],
      ['dog'],
    ]);
    // Character tags: Danbooru's size rules for implications (at least 10 posts) are for general tags.
    await db.tag.updateMany({ where: { name: { in: ['kitten', 'cat'] } }, data: { category: 'character' } });
    await createImplications(db, [['cat', 'animal']]);
    const { burId, progress } = await runScript(db, fx.users, 'imply kitten -> cat');

    expect(await tagsOf(db, p1 ?? 0)).toEqual(['animal', 'cat', 'kitten']);
    expect(await tagsOf(db, p2 ?? 0)).toEqual(['animal', 'cat', 'kitten']);
    expect(await tagsOf(db, p3 ?? 0)).toEqual(['animal', 'cat', 'kitten']);
    expect(await tagsOf(db, p4 ?? 0)).toEqual(['dog']);
    expect(await postCount(db, 'cat')).toBe(3);
    expect(await postCount(db, 'animal')).toBe(3);
    expect(await relationships(db, 'implication')).toEqual(['cat -> animal active', 'kitten -> cat active']);
    expect((await modActionsOf(db, burId)).at(-1)).toBe(
      'tag_implication_create: created tag implication [[kitten]] -> [[cat]]',
    );
    // Only posts missing something are touched: p3 had everything.
    expect(progress.at(-1)).toMatchObject({ rowsDone: 2, rowsTotal: 2 });
  });
});

describe('remove implication', () => {
  it('deletes the implication; posts keep the implied tag', async () => {
    const [p1] = await createPostsWithTags(db, [['kitten', 'cat']]);
    await createImplications(db, [['kitten', 'cat']]);
    const { burId } = await runScript(db, fx.users, 'unimply kitten -> cat');
    expect(await relationships(db, 'implication', true)).toEqual(['kitten -> cat deleted']);
    expect(await tagsOf(db, p1 ?? 0)).toEqual(['cat', 'kitten']);
    expect((await modActionsOf(db, burId)).at(-1)).toBe(
      'tag_implication_delete: deleted tag implication [[kitten]] -> [[cat]]',
    );
  });
});
