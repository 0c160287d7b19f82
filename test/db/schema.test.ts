// The constraints the domain relies on, checked against the migrated test database.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';

const db = testPrisma();

beforeEach(() => truncateAll());
afterAll(() => disconnectTestPrisma());

describe('tag_aliases_live_antecedent_key', () => {
  it('allows one live (active or processing) alias per antecedent, and any number of dead ones', async () => {
    await db.tagAlias.create({ data: { antecedentName: 'a', consequentName: 'b' } });
    await expect(
      db.tagAlias.create({ data: { antecedentName: 'a', consequentName: 'c', status: 'processing' } }),
    ).rejects.toThrow();

    for (const status of ['deleted', 'retired', 'pending', 'deleted'] as const) {
      await db.tagAlias.create({ data: { antecedentName: 'a', consequentName: 'b', status } });
    }
    await db.tagAlias.updateMany({
      where: { antecedentName: 'a', status: 'active' },
      data: { status: 'deleted' },
    });
    await db.tagAlias.create({ data: { antecedentName: 'a', consequentName: 'c', status: 'processing' } });
    expect(await db.tagAlias.count({ where: { antecedentName: 'a' } })).toBe(6);
  });
});

describe('tag_implications_live_pair_key', () => {
  it('allows one live implication per pair, and several consequents per antecedent', async () => {
    await db.tagImplication.create({ data: { antecedentName: 'a', consequentName: 'b' } });
    await db.tagImplication.create({ data: { antecedentName: 'a', consequentName: 'c' } });
    await db.tagImplication.create({ data: { antecedentName: 'a', consequentName: 'b', status: 'deleted' } });
    await expect(
      db.tagImplication.create({ data: { antecedentName: 'a', consequentName: 'b', status: 'processing' } }),
    ).rejects.toThrow();
  });
});

describe('post_tags', () => {
  it('has no duplicates and goes with its post or tag', async () => {
    const post = await db.post.create({ data: { md5: 'x' } });
    const [a, b] = await db.tag.createManyAndReturn({ data: [{ name: 'a' }, { name: 'b' }] });
    await db.postTag.createMany({
      data: [
        { postId: post.id, tagId: a!.id },
        { postId: post.id, tagId: b!.id },
      ],
    });
    await expect(db.postTag.create({ data: { postId: post.id, tagId: a!.id } })).rejects.toThrow();

    await db.tag.delete({ where: { id: a!.id } });
    expect(await db.postTag.count()).toBe(1);
    await db.post.delete({ where: { id: post.id } });
    expect(await db.postTag.count()).toBe(0);
  });

  it("finds a tag's posts through the (tag_id, post_id) index", async () => {
    // On a tiny table the planner prefers a sequential scan; ask whether the index serves the query.
    const plan = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(
        'EXPLAIN (COSTS OFF) SELECT post_id FROM post_tags WHERE tag_id = 1 AND post_id > 1000 ORDER BY post_id LIMIT 5000',
      );
    });
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index (Only )?Scan (using|on) post_tags_tag_id_post_id_idx/);
  });
});

describe('bulk_update_request_lines', () => {
  it('holds one row per line number of a request, and goes with its request', async () => {
    const bur = await db.bulkUpdateRequest.create({ data: { script: 'nuke a\nnuke b' } });
    expect(bur).toMatchObject({ status: 'pending', reason: '', failedLine: null, approverId: null });
    await db.bulkUpdateRequestLine.createMany({
      data: [
        { bulkUpdateRequestId: bur.id, lineNumber: 1, text: 'nuke a' },
        { bulkUpdateRequestId: bur.id, lineNumber: 2, text: 'nuke b' },
      ],
    });
    await expect(
      db.bulkUpdateRequestLine.create({
        data: { bulkUpdateRequestId: bur.id, lineNumber: 2, text: 'nuke b' },
      }),
    ).rejects.toThrow();
    const line = await db.bulkUpdateRequestLine.findFirstOrThrow({ where: { lineNumber: 1 } });
    expect(line).toMatchObject({
      status: 'pending',
      rowsDone: 0,
      rowsTotal: null,
      error: null,
      finishedAt: null,
    });

    await db.bulkUpdateRequest.delete({ where: { id: bur.id } });
    expect(await db.bulkUpdateRequestLine.count()).toBe(0);
  });
});
