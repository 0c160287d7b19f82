/**
 * Processing a BUR line by line on the real database: failure mid-script, resuming a re-approved
 * request (at a failed line, or in the middle of a chunked line) without applying anything twice,
 * progress, interruptions, and the number of statements a large alias or nuke costs.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { recountTagPostCounts } from '../../../app/db/tag.repository';
import { approveBur, createBur } from '../../../app/services/bulk-update-request/approval';
import {
  BurLineFailedError,
  processBulkUpdateRequest,
  type BurProgress,
} from '../../../app/services/bulk-update-request/processing';
import {
  createManyPosts,
  createPostsWithTags,
  modActionsOf,
  postCount,
  postsWith,
  relationships,
  useBurFixtures,
  wrongPostCounts,
} from './processing-support';

const fx = useBurFixtures();
const db = fx.db;

async function approve(script: string): Promise<number> {
  const { bur, check } = await createBur(fx.users.member, script, null, { db });
  expect(check.errors).toEqual([]);
  await approveBur(bur, fx.users.admin, { db });
  return bur.id;
}

async function burWithLines(id: number) {
  return db.bulkUpdateRequest.findUniqueOrThrow({
    where: { id },
    include: { lines: { orderBy: { lineNumber: 'asc' } } },
  });
}

describe('a line that fails', () => {
  it('stops the request there: earlier lines stay applied, status failed with the line and error', async () => {
    await createPostsWithTags(db, [['a'], ['a'], ['c'], ['e']]);
    const burId = await approve('alias a -> b\n\nrename c -> d\ncategory e -> artist');
    const extra = await createManyPosts(db, 200, ['c']); // 201 posts on c when the line runs

    const failure = await processBulkUpdateRequest(db, burId, { chunkSize: 2 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BurLineFailedError);
    expect((failure as BurLineFailedError).lineNumber).toBe(3);

    const bur = await burWithLines(burId);
    expect(bur).toMatchObject({ status: 'failed', failedLine: 3 });
    expect(bur.failedError).toMatch(/^'c' has 201 posts, more than the 200 a rename may move/);
    expect(bur.lines.map((l) => [l.lineNumber, l.status])).toEqual([
      [1, 'done'],
      [3, 'failed'],
      [4, 'pending'],
    ]);
    expect(bur.lines[1]?.error).toBe(bur.failedError);
    expect(await postsWith(db, 'b')).toHaveLength(2); // line 1 applied
    expect((await db.tag.findUniqueOrThrow({ where: { name: 'e' } })).category).toBe('general'); // line 4 not run
    expect(await wrongPostCounts(db)).toEqual([]);

    // Fixed, approved again: resumes at line 3; line 1 is not applied a second time.
    await db.post.deleteMany({ where: { id: { in: extra } } });
    await recountTagPostCounts(db);
    const again = await approveBur({ id: burId }, fx.users.admin, { db });
    expect(again.resumed).toBe(true);
    expect(again.bur).toMatchObject({
      status: 'processing',
      failedLine: null,
      failedError: null,
      approverId: fx.users.admin.id,
    });
    const result = await processBulkUpdateRequest(db, burId, { chunkSize: 2 });
    expect(result).toMatchObject({ status: 'completed', lines: 3, ranLines: 2 });

    expect((await burWithLines(burId)).lines.map((l) => l.status)).toEqual(['done', 'done', 'done']);
    expect(await modActionsOf(db, burId)).toEqual([
      `bulk_update_request_approve: approved bulk update request #${burId}`,
      'tag_alias_create: created tag alias [[a]] -> [[b]]',
      `bulk_update_request_approve: approved bulk update request #${burId} again (resuming at line 3)`,
      'tag_rename: renamed [[c]] -> [[d]]',
      'tag_category_change: changed the category of [[e]] from general to artist',
    ]);
    expect(await relationships(db, 'alias', true)).toEqual(['a -> b active']);
    expect(await postsWith(db, 'd')).toHaveLength(1);
    expect(await wrongPostCounts(db)).toEqual([]);
  });

  it('refuses re-approval when a remaining line is no longer valid', async () => {
    await createPostsWithTags(db, [['a'], ['c']]);
    const burId = await approve('alias a -> b\nrename c -> d');
    await createManyPosts(db, 200, ['c']);
    await expect(processBulkUpdateRequest(db, burId)).rejects.toThrow(BurLineFailedError);
    await expect(approveBur({ id: burId }, fx.users.admin, { db })).rejects.toThrow(
      /line 2: 'c' has 201 posts/,
    );
    expect((await burWithLines(burId)).status).toBe('failed');
  });
});

describe('resuming in the middle of a chunked line', () => {
  it('continues where the chunks stopped; counts, rows and the mod action come out as in one run', async () => {
    const ids = await createManyPosts(db, 30, ['a']);
    await createPostsWithTags(db, [['a', 'b'], ['b']]);
    const burId = await approve('alias a -> b\ndeprecate b');

    const controller = new AbortController();
    const stop = await processBulkUpdateRequest(db, burId, {
      chunkSize: 4,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.rowsDone >= 12) controller.abort(new Error('stopped by the test'));
      },
    }).catch((error: unknown) => error);
    expect(stop).toBeInstanceOf(BurLineFailedError);

    const failed = await burWithLines(burId);
    expect(failed).toMatchObject({
      status: 'failed',
      failedLine: 1,
      failedError: 'Error: stopped by the test',
    });
    expect(failed.lines[0]).toMatchObject({ status: 'failed', rowsDone: 12, rowsTotal: 31 });
    expect(await postsWith(db, 'a')).toHaveLength(19);
    expect(await relationships(db, 'alias')).toEqual(['a -> b processing']);
    expect(await wrongPostCounts(db)).toEqual([]); // counts move with each chunk

    // The alias the started line created (processing) is its own: re-approval validates.
    await approveBur({ id: burId }, fx.users.admin, { db });
    const progress: BurProgress[] = [];
    await processBulkUpdateRequest(db, burId, { chunkSize: 4, onProgress: (p) => void progress.push(p) });

    const done = await burWithLines(burId);
    expect(done.status).toBe('completed');
    expect(done.lines[0]).toMatchObject({ status: 'done', rowsDone: 31, rowsTotal: 31 });
    expect(progress[1]).toMatchObject({ line: 1, rowsDone: 12, rowsTotal: 31 });
    expect(await postsWith(db, 'a')).toEqual([]);
    expect(await postsWith(db, 'b')).toEqual([...ids, ...(await postsWith(db, 'b')).slice(30)]);
    expect(await postCount(db, 'b')).toBe(32);
    // Line 2 deprecated b, which (as Danbooru's deprecate) took the alias to b out of force.
    expect(await relationships(db, 'alias', true)).toEqual(['a -> b deleted']);
    expect((await modActionsOf(db, burId)).filter((a) => a.startsWith('tag_'))).toEqual([
      'tag_alias_create: created tag alias [[a]] -> [[b]]',
      'tag_deprecate: deprecated [[b]]',
    ]);
    expect(await wrongPostCounts(db)).toEqual([]);
  });

  it('leaves the request processing after an interruption, and the next run completes it', async () => {
    await createManyPosts(db, 10, ['a']);
    const burId = await approve('alias a -> b');
    class Interrupted extends Error {}
    const controller = new AbortController();
    await expect(
      processBulkUpdateRequest(db, burId, {
        chunkSize: 3,
        signal: controller.signal,
        isInterruption: (error) => error instanceof Interrupted,
        onProgress: (p) => {
          if (p.rowsDone >= 3) controller.abort(new Interrupted('worker shutting down'));
        },
      }),
    ).rejects.toThrow(Interrupted);
    expect(await burWithLines(burId)).toMatchObject({
      status: 'processing',
      lines: [{ status: 'running', rowsDone: 3 }],
    });

    await processBulkUpdateRequest(db, burId, { chunkSize: 3 });
    expect(await burWithLines(burId)).toMatchObject({
      status: 'completed',
      lines: [{ status: 'done', rowsDone: 10 }],
    });
    expect(await postCount(db, 'b')).toBe(10);
  });

  it('does nothing for a request that is not processing', async () => {
    const { bur } = await createBur(fx.users.member, 'deprecate x', null, { db });
    expect(await processBulkUpdateRequest(db, bur.id)).toMatchObject({ status: 'skipped' });
    expect(await processBulkUpdateRequest(db, 987_654)).toMatchObject({
      status: 'skipped',
      reason: 'no such bulk update request',
    });
  });
});

describe('progress', () => {
  it('reports line k of n and rows done of total after every chunk, and stores them on the line', async () => {
    await createManyPosts(db, 7, ['a']);
    await createPostsWithTags(db, [['x']]);
    const burId = await approve('alias a -> b\ncategory x -> meta');
    const progress: BurProgress[] = [];
    await processBulkUpdateRequest(db, burId, { chunkSize: 2, onProgress: (p) => void progress.push(p) });
    const shape = progress.map((p) => [p.line, p.lines, p.lineNumber, p.rowsDone, p.rowsTotal]);
    expect(shape).toEqual([
      [1, 2, 1, 0, null],
      [1, 2, 1, 0, 7],
      [1, 2, 1, 2, 7],
      [1, 2, 1, 4, 7],
      [1, 2, 1, 6, 7],
      [1, 2, 1, 7, 7],
      [1, 2, 1, 7, 7],
      [2, 2, 2, 0, null],
      [2, 2, 2, 0, null],
    ]);
    const lines = (await burWithLines(burId)).lines;
    expect(lines[0]).toMatchObject({ rowsDone: 7, rowsTotal: 7 });
    expect(lines[0]?.startedAt).toBeInstanceOf(Date);
    expect(lines[0]?.finishedAt).toBeInstanceOf(Date);
    expect(lines[1]).toMatchObject({ rowsDone: 0, rowsTotal: null, status: 'done' });
  });
});

describe('statements', () => {
  /** Counts every statement any pg client of this process sends while `fn` runs. */
  async function countStatements(fn: () => Promise<unknown>): Promise<string[]> {
    const statements: string[] = [];
    const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = prototype.query;
    prototype.query = function (this: unknown, ...args: unknown[]) {
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: unknown } | undefined)?.text;
      statements.push(typeof text === 'string' ? text : '');
      return original.apply(this, args);
    };
    try {
      await fn();
    } finally {
      prototype.query = original;
    }
    return statements;
  }

  it('an alias over 12,000 posts costs a number of statements proportional to posts / chunk size', async () => {
    const posts = 12_000;
    await createManyPosts(db, posts, ['a', 'other']);
    const runs: Array<{ chunk: number; total: number; chunks: number }> = [];
    for (const [index, chunk] of [1_000, 3_000].entries()) {
      const from = index === 0 ? 'a' : 'b';
      const to = index === 0 ? 'b' : 'c';
      const burId = await approve(`alias ${from} -> ${to}`);
      const statements = await countStatements(() =>
        processBulkUpdateRequest(db, burId, { chunkSize: chunk }),
      );
      expect(await postCount(db, to)).toBe(posts);
      const chunkStatements = statements.filter((s) => s.includes('WITH chunk AS'));
      runs.push({ chunk, total: statements.length, chunks: chunkStatements.length });
    }
    if (process.env.BUR_PRINT_STATEMENTS) console.log(JSON.stringify(runs));
    for (const run of runs) {
      expect(run.chunks).toBe(Math.ceil(posts / run.chunk));
      // A fixed overhead (line bookkeeping, relationships, the finishing transaction) plus one per chunk.
      expect(run.total).toBeLessThanOrEqual(run.chunks + 40);
    }
    const [small, large] = runs;
    expect((small?.total ?? 0) - (large?.total ?? 0)).toBe((small?.chunks ?? 0) - (large?.chunks ?? 0));
    expect(await wrongPostCounts(db)).toEqual([]);
  });

  it('a nuke over 2,500 posts at chunk 1,000 deletes post_tags in 3 statements, one per chunk of post ids, none per post', async () => {
    await createManyPosts(db, 2_500, ['doomed', 'kept']);
    const burId = await approve('nuke doomed');
    const statements = await countStatements(() => processBulkUpdateRequest(db, burId, { chunkSize: 1_000 }));
    const deletes = statements.filter((s) => /DELETE FROM post_tags/.test(s));
    expect(deletes).toHaveLength(3);
    expect(deletes.every((s) => s.includes('WITH chunk AS'))).toBe(true);
    expect(await postCount(db, 'doomed')).toBe(0);
    expect(await postCount(db, 'kept')).toBe(2_500);
    expect(await wrongPostCounts(db)).toEqual([]);
  });
});
