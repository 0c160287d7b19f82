/**
 * Each BUR command's effect on the real database (rename, mass update, category, nuke,
 * deprecate, a mixed script; aliases and implications are commands-relationships.test.ts), run through createBur + approveBur +
 * processBulkUpdateRequest with chunks of 2 posts (so every large line takes several chunks), and
 * post counts checked against a recount after every script.
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
  wrongPostCounts,
} from './processing-support';

const fx = useBurFixtures({ checkPostCounts: true });
const db = fx.db;

describe('rename', () => {
  it('moves posts, counts and relationships without creating an alias', async () => {
    const [p1, p2] = await createPostsWithTags(db, [['colour'], ['colour', 'red']]);
    await createImplications(db, [['colour', 'visual']]);
    const { burId } = await runScript(db, fx.users, 'rename colour -> color');
    expect(await postsWith(db, 'color')).toEqual([p1, p2]);
    expect(await postCount(db, 'colour')).toBe(0);
    expect(await relationships(db, 'alias', true)).toEqual([]);
    expect(await relationships(db, 'implication')).toEqual(['color -> visual active']);
    expect((await modActionsOf(db, burId)).at(-1)).toBe('tag_rename: renamed [[colour]] -> [[color]]');
  });

  it('is done with nothing to move when the tag is gone as it runs, moving its relationships (Danbooru: TagMover)', async () => {
    await createPostsWithTags(db, [['colour']]);
    const { bur } = await createBur(fx.users.member, 'rename colour -> color', null, { db });
    await approveBur(bur, fx.users.admin, { db });
    await db.tag.deleteMany({ where: { name: 'colour' } });
    await createImplications(db, [['colour', 'visual']]);
    expect(await processBulkUpdateRequest(db, bur.id)).toMatchObject({ status: 'completed' });
    expect(await relationships(db, 'implication')).toEqual(['color -> visual active']);
    expect((await modActionsOf(db, bur.id)).at(-1)).toBe('tag_rename: renamed [[colour]] -> [[color]]');
  });

  it('is refused for a tag with more than 200 posts, at validation and again when the line runs', async () => {
    await createPostsWithTags(
      db,
      Array.from({ length: 201 }, () => ['big']),
    );
    const { approveBur, createBur } = await import('../../../app/services/bulk-update-request/approval');
    const { check } = await createBur(fx.users.member, 'rename big -> large', null, { db });
    expect(check.errors).toEqual([
      {
        lineNumber: 1,
        text: 'rename big -> large',
        reason:
          "'big' has 201 posts, more than the 200 a rename may move: use an alias instead (create alias big -> large)",
      },
    ]);

    // Valid at approval (200 posts), 201 when the line runs.
    await db.$executeRaw`DELETE FROM post_tags WHERE post_id = (SELECT min(post_id) FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = 'big')`;
    await db.$executeRaw`UPDATE tags SET post_count = 200 WHERE name = 'big'`;
    const { bur } = await createBur(fx.users.member, 'rename big -> large', null, { db });
    await approveBur(bur, fx.users.admin, { db });
    await createPostsWithTags(db, [['big']]);
    const { processBulkUpdateRequest } = await import('../../../app/services/bulk-update-request/processing');
    await expect(processBulkUpdateRequest(db, bur.id)).rejects.toThrow(
      /has 201 posts, more than the 200 a rename may move: use an alias/,
    );
    expect(await db.bulkUpdateRequest.findUniqueOrThrow({ where: { id: bur.id } })).toMatchObject({
      status: 'failed',
      failedLine: 1,
    });
    expect(await postsWith(db, 'large')).toEqual([]);
  });
});

describe('mass update', () => {
  it('applies adds and removes to posts matching every tag and no excluded tag', async () => {
    const [p1, p2, p3, p4, p5] = await createPostsWithTags(db, [
      ['a', 'b', 'old'],
      ['a', 'b', 'c', 'old'],
      ['a', 'old'],
      ['a', 'b'],
      ['b', 'old'],
    ]);
    const { burId } = await runScript(db, fx.users, 'update a b -c -> fresh -old');
    expect(await tagsOf(db, p1 ?? 0)).toEqual(['a', 'b', 'fresh']);
    expect(await tagsOf(db, p2 ?? 0)).toEqual(['a', 'b', 'c', 'old']);
    expect(await tagsOf(db, p3 ?? 0)).toEqual(['a', 'old']);
    expect(await tagsOf(db, p4 ?? 0)).toEqual(['a', 'b', 'fresh']);
    expect(await tagsOf(db, p5 ?? 0)).toEqual(['b', 'old']);
    expect(await postCount(db, 'fresh')).toBe(2);
    expect(await postCount(db, 'old')).toBe(3);
    expect((await modActionsOf(db, burId)).at(-1)).toBe('mass_update: mass updated a b -c -> fresh -old');
  });

  it('adds implied tags, resolves aliased names, and lets an explicit -tag win over an implied one', async () => {
    const [p1] = await createPostsWithTags(db, [['q', 'animal']]);
    await createAliases(db, [['kitty', 'cat']]);
    await createImplications(db, [
      ['cat', 'animal'],
      ['cat', 'pet'],
    ]);
    await runScript(db, fx.users, 'update q -> kitty -animal');
    expect(await tagsOf(db, p1 ?? 0)).toEqual(['cat', 'pet', 'q']);
    expect(await postsWith(db, 'kitty')).toEqual([]);
  });

  it("fails the line with Danbooru's message when an added tag was deprecated after approval", async () => {
    await createPostsWithTags(db, [['cat'], ['pet']]);
    const { bur } = await createBur(fx.users.member, 'update cat -> pet', null, { db });
    await approveBur(bur, fx.users.admin, { db });
    await db.tag.update({ where: { name: 'pet' }, data: { isDeprecated: true } });
    await expect(processBulkUpdateRequest(db, bur.id)).rejects.toThrow(
      'The following tags are deprecated and could not be added: [[pet]]',
    );
    expect(await postsWith(db, 'pet')).toHaveLength(1);
  });

  it('does nothing when a required tag does not exist', async () => {
    const [p1] = await createPostsWithTags(db, [['a']]);
    await runScript(db, fx.users, 'update a missing_tag -> b');
    expect(await tagsOf(db, p1 ?? 0)).toEqual(['a']);
  });
});

describe('category', () => {
  it('changes the category and logs from and to', async () => {
    await createPostsWithTags(db, [['some_artist']]);
    const { burId } = await runScript(db, fx.users, 'category some_artist -> artist');
    expect((await db.tag.findUniqueOrThrow({ where: { name: 'some_artist' } })).category).toBe('artist');
    expect((await modActionsOf(db, burId)).at(-1)).toBe(
      'tag_category_change: changed the category of [[some_artist]] from general to artist',
    );
  });

  it("enqueues UpdateTagCategoryPostCountsJob for the tag once the line committed, as the web app's category change does", async () => {
    await createPostsWithTags(db, [['some_artist']]);
    await runScript(db, fx.users, 'category some_artist -> artist');
    const tag = await db.tag.findUniqueOrThrow({ where: { name: 'some_artist' } });
    const followUps = fx.queue.enqueued.filter((e) => e.jobClass === 'UpdateTagCategoryPostCountsJob');
    expect(followUps.map((e) => [e.queue, (e.arguments[0] as { id: number }).id])).toEqual([
      ['default', tag.id],
    ]);
  });
});

describe('nuke', () => {
  it('removes the tag from every post and deletes its implications both ways', async () => {
    const [p1, p2] = await createPostsWithTags(db, [['bad', 'x'], ['bad'], ['x']]);
    await createImplications(db, [
      ['bad', 'x'],
      ['y', 'bad'],
      ['y', 'x'],
    ]);
    const { burId } = await runScript(db, fx.users, 'nuke bad');
    expect(await postsWith(db, 'bad')).toEqual([]);
    expect(await tagsOf(db, p1 ?? 0)).toEqual(['x']);
    expect(await tagsOf(db, p2 ?? 0)).toEqual([]);
    expect(await postCount(db, 'bad')).toBe(0);
    expect(await relationships(db, 'implication')).toEqual(['y -> x active']);
    expect((await modActionsOf(db, burId)).at(-1)).toBe('tag_nuke: nuked [[bad]]');
  });
});

describe('deprecate and undeprecate', () => {
  it("deletes the aliases to the tag and its implications both ways, as Danbooru's deprecate does; posts keep it", async () => {
    const [p1] = await createPostsWithTags(db, [['dusty', 'attic']]);
    await createAliases(db, [
      ['dust', 'dusty'],
      ['dusty_old', 'dusty'],
      ['unrelated', 'attic'],
    ]);
    await createImplications(db, [
      ['dusty', 'old'],
      ['very_dusty', 'dusty'],
      ['attic', 'room'],
    ]);
    const { burId } = await runScript(db, fx.users, 'deprecate dusty');
    expect(await relationships(db, 'alias', true)).toEqual([
      'dust -> dusty deleted',
      'dusty_old -> dusty deleted',
      'unrelated -> attic active',
    ]);
    expect(await relationships(db, 'implication', true)).toEqual([
      'attic -> room active',
      'dusty -> old deleted',
      'very_dusty -> dusty deleted',
    ]);
    expect(await tagsOf(db, p1 ?? 0)).toEqual(['attic', 'dusty']);
    expect((await modActionsOf(db, burId)).at(-1)).toBe('tag_deprecate: deprecated [[dusty]]');
  });

  it('a later line of the script sees the deprecation: the alias to the tag is gone for it', async () => {
    await createPostsWithTags(db, [['dusty']]);
    await createAliases(db, [['dust', 'dusty']]);
    const { check } = await createBur(fx.users.member, 'deprecate dusty\nunalias dust -> dusty', null, {
      db,
    });
    expect(check.errors.map((e) => e.reason)).toEqual(["the alias dust -> dusty doesn't exist"]);
  });

  it('creates a tag that is gone by the time an approved deprecate runs (Danbooru: find_or_create_by_name)', async () => {
    await createPostsWithTags(db, [['fleeting']]);
    const { bur } = await createBur(fx.users.member, 'deprecate fleeting', null, { db });
    await approveBur(bur, fx.users.admin, { db });
    await db.tag.deleteMany({ where: { name: 'fleeting' } });
    await processBulkUpdateRequest(db, bur.id);
    expect(await db.tag.findUniqueOrThrow({ where: { name: 'fleeting' } })).toMatchObject({
      isDeprecated: true,
      postCount: 0,
    });
  });

  it('set and clear the flag, one mod action each', async () => {
    await createPostsWithTags(db, [['dusty']]);
    const { burId } = await runScript(db, fx.users, 'deprecate dusty');
    expect((await db.tag.findUniqueOrThrow({ where: { name: 'dusty' } })).isDeprecated).toBe(true);
    expect((await modActionsOf(db, burId)).at(-1)).toBe('tag_deprecate: deprecated [[dusty]]');
    const second = await runScript(db, fx.users, 'undeprecate dusty');
    expect((await db.tag.findUniqueOrThrow({ where: { name: 'dusty' } })).isDeprecated).toBe(false);
    expect((await modActionsOf(db, second.burId)).at(-1)).toBe('tag_undeprecate: undeprecated [[dusty]]');
  });
});

describe('a mixed script', () => {
  it('keeps every post count equal to a recount, and logs one mod action per command', async () => {
    const posts = Array.from({ length: 40 }, (_, i) => [
      ...(i % 2 === 0 ? ['a'] : []),
      ...(i % 3 === 0 ? ['b'] : []),
      ...(i % 5 === 0 ? ['c'] : []),
      ...(i % 7 === 0 ? ['d'] : []),
      'e',
      ...(i === 39 ? ['f'] : []),
    ]);
    await createPostsWithTags(db, posts);
    const script = [
      'alias a -> b',
      'imply b -> h',
      'update b -c -> g -e',
      'rename d -> dd',
      'nuke c',
      'category f -> meta',
      'deprecate e',
    ].join('\n');
    const { burId } = await runScript(db, fx.users, script, { chunkSize: 3 });
    expect(await wrongPostCounts(db)).toEqual([]);
    const actions = await modActionsOf(db, burId);
    expect(actions).toHaveLength(8);
    expect(actions.slice(1).map((a) => a.split(':')[0])).toEqual([
      'tag_alias_create',
      'tag_implication_create',
      'mass_update',
      'tag_rename',
      'tag_nuke',
      'tag_category_change',
      'tag_deprecate',
    ]);
  });
});
