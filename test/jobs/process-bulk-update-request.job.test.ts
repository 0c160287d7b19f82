/**
 * ProcessBulkUpdateRequestJob end to end: approveBur enqueues through the framework onto a real
 * Redis (unique prefix), two in-process worker processes (startWorkerProcess, as bin/worker runs
 * them, with config/queues.ts's bulk_update global concurrency of 1) run it against the real test
 * database. Covers the job's effect and progress, two requests approved back to back running
 * strictly one after the other, a failing line, and a cancel between chunks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disconnectPrisma } from '../../app/db/client';
import { recountTagPostCounts } from '../../app/db/tag.repository';
import {
  BullmqAdapter,
  cancelJob,
  configureBacklot,
  registerJobs,
  startWorkerProcess,
  type WorkerProcess,
} from '../../app/framework/index';
import { approveBur, createBur } from '../../app/services/bulk-update-request/approval';
import type { BurProgress } from '../../app/services/bulk-update-request/processing';
import { QUEUE_NAMES, QUEUES, WORKER_TIMINGS } from '../../config/queues';
import { ProcessBulkUpdateRequestJob } from '../../jobs/process-bulk-update-request.job';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';
import { useOutboxRelay } from '../support/outbox';
import { useRedisPrefix } from '../support/redis';
import { waitUntil } from '../support/wait';
import {
  createManyPosts,
  createPostsWithTags,
  createUsers,
  modActionsOf,
  postCount,
  postsWith,
  wrongPostCounts,
  type Users,
} from '../services/bulk-update-request/processing-support';

const db = testPrisma();

/** Polls until `check` answers something, for at most 30,000 ms (every 50 ms). */
function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>): Promise<T> {
  return waitUntil(what, check, { timeoutMs: 30_000, intervalMs: 50 });
}

function burStatus(id: number, ...statuses: string[]) {
  return waitFor(`bulk update request #${id} is ${statuses.join(' or ')}`, async () => {
    const bur = await db.bulkUpdateRequest.findUniqueOrThrow({
      where: { id },
      include: { lines: { orderBy: { lineNumber: 'asc' } } },
    });
    return statuses.includes(bur.status) ? bur : undefined;
  });
}

describe('ProcessBulkUpdateRequestJob on real workers', () => {
  const scope = useRedisPrefix('bur-job');
  // approveBur stages its job in the outbox: relayed to Redis as bin/worker does.
  useOutboxRelay(() => adapter, { prefix: scope.prefix });
  let adapter: BullmqAdapter;
  let workers: WorkerProcess[] = [];
  let users: Users;

  beforeAll(async () => {
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: QUEUE_NAMES });
    registerJobs([ProcessBulkUpdateRequestJob]);
    ProcessBulkUpdateRequestJob.chunkSize = 250;
    const globalConcurrency = Object.fromEntries(QUEUE_NAMES.map((q) => [q, QUEUES[q].globalConcurrency]));
    workers = await Promise.all(
      [1, 2].map(() =>
        startWorkerProcess({
          pool: { queues: ['bulk_update'], concurrency: 1 },
          connect: () => scope.connection({ worker: true }),
          prefix: scope.prefix,
          timings: WORKER_TIMINGS,
          globalConcurrency,
        }),
      ),
    );
  });

  afterAll(async () => {
    ProcessBulkUpdateRequestJob.chunkSize = undefined;
    await Promise.all(workers.map((w) => w.shutdown(5_000)));
    await adapter.close();
    await disconnectPrisma();
    await disconnectTestPrisma();
  });

  beforeEach(async () => {
    await truncateAll();
    users = await createUsers(db);
  });

  it('runs an approved request: posts moved, counts right, progress on the BullMQ job', async () => {
    await createManyPosts(db, 1_000, ['a']);
    const { bur } = await createBur(users.member, 'alias a -> b\ndeprecate a', 'job', { db });
    const { jobId } = await approveBur(bur, users.admin, { db });

    const done = await burStatus(bur.id, 'completed', 'failed');
    expect(done.status).toBe('completed');
    expect(done.lines.map((l) => [l.status, l.rowsDone, l.rowsTotal])).toEqual([
      ['done', 1_000, 1_000],
      ['done', 0, null],
    ]);
    expect(await postCount(db, 'b')).toBe(1_000);
    expect(await postsWith(db, 'a')).toEqual([]);
    expect(await wrongPostCounts(db)).toEqual([]);
    expect(await modActionsOf(db, bur.id)).toHaveLength(3);

    const job = await waitFor('the job is completed in BullMQ', async () => {
      const found = await adapter.queue('bulk_update').getJob(jobId);
      return found && (await found.getState()) === 'completed' ? found : undefined;
    });
    expect(job.returnvalue).toMatchObject({ status: 'completed', burId: bur.id, lines: 2, ranLines: 2 });
    expect(job.progress as BurProgress).toEqual({
      burId: bur.id,
      line: 2,
      lines: 2,
      lineNumber: 2,
      rowsDone: 0,
      rowsTotal: null,
    });
  });

  it('runs two requests approved back to back strictly one after the other, in approval order', async () => {
    expect(await adapter.queue('bulk_update').getGlobalConcurrency()).toBe(1);
    await createManyPosts(db, 3_000, ['first_a']);
    await createManyPosts(db, 3_000, ['second_a']);
    const first = (await createBur(users.member, 'alias first_a -> first_b', null, { db })).bur;
    const second = (await createBur(users.member, 'alias second_a -> second_b', null, { db })).bur;
    const jobs = [
      await approveBur(first, users.admin, { db }),
      await approveBur(second, users.admin, { db }),
    ];

    await burStatus(first.id, 'completed');
    await burStatus(second.id, 'completed');
    const intervals = [];
    for (const { jobId } of jobs) {
      const job = await waitFor('the job has finished', async () => {
        const found = await adapter.queue('bulk_update').getJob(jobId);
        return found?.finishedOn ? found : undefined;
      });
      intervals.push({ start: job.processedOn ?? 0, end: job.finishedOn ?? 0 });
    }
    const lines = await db.bulkUpdateRequestLine.findMany({
      where: { bulkUpdateRequestId: { in: [first.id, second.id] } },
    });
    const lineOf = (id: number) => lines.find((l) => l.bulkUpdateRequestId === id);

    // BullMQ's own timestamps and the lines' recorded times agree: no overlap, first before second.
    expect(intervals[0]?.end).toBeLessThanOrEqual(intervals[1]?.start ?? 0);
    expect(lineOf(first.id)?.finishedAt?.getTime()).toBeLessThanOrEqual(
      lineOf(second.id)?.startedAt?.getTime() ?? 0,
    );
    expect(await postCount(db, 'first_b')).toBe(3_000);
    expect(await postCount(db, 'second_b')).toBe(3_000);
  });

  it('fails the job and the request at the failing line; approving again resumes through the worker', async () => {
    await createPostsWithTags(db, [['a']]);
    const extra = await createManyPosts(db, 201, ['c']);
    // Validation reads tags.post_count (made wrong here: 1); the line counts post_tags when it runs (201).
    await db.$executeRaw`UPDATE tags SET post_count = 1 WHERE name = 'c'`;
    const { bur } = await createBur(users.member, 'alias a -> b\nrename c -> d', null, { db });
    const { jobId } = await approveBur(bur, users.admin, { db });

    const failed = await burStatus(bur.id, 'failed', 'completed');
    expect(failed).toMatchObject({ status: 'failed', failedLine: 2 });
    expect(failed.lines.map((l) => l.status)).toEqual(['done', 'failed']);
    const job = await waitFor('the job failed in BullMQ', async () => {
      const found = await adapter.queue('bulk_update').getJob(jobId);
      return found && (await found.getState()) === 'failed' ? found : undefined;
    });
    expect(job.failedReason).toMatch(/failed at line 2 \(rename c -> d\): 'c' has 201 posts/);
    expect(job.attemptsMade).toBe(1);

    await db.post.deleteMany({ where: { id: { in: extra.slice(1) } } });
    await recountTagPostCounts(db);
    await approveBur(bur, users.admin, { db });
    const done = await burStatus(bur.id, 'completed', 'failed');
    expect(done.status).toBe('completed');
    expect((await modActionsOf(db, bur.id)).filter((a) => a.startsWith('tag_'))).toEqual([
      'tag_alias_create: created tag alias [[a]] -> [[b]]',
      'tag_rename: renamed [[c]] -> [[d]]',
    ]);
    expect(await postsWith(db, 'd')).toHaveLength(1);
    expect(await wrongPostCounts(db)).toEqual([]);
  });

  it('stops between chunks when canceled; the line and the request are failed, approving again finishes', async () => {
    ProcessBulkUpdateRequestJob.chunkSize = 50;
    try {
      await createManyPosts(db, 5_000, ['a']);
      const { bur } = await createBur(users.member, 'alias a -> b', null, { db });
      const { jobId } = await approveBur(bur, users.admin, { db });
      await waitFor('the line has done a chunk', async () => {
        const line = await db.bulkUpdateRequestLine.findFirst({ where: { bulkUpdateRequestId: bur.id } });
        return (line?.rowsDone ?? 0) > 0;
      });
      expect(await cancelJob(jobId, 'stop the test alias')).toBe('signalled');

      const failed = await burStatus(bur.id, 'failed', 'completed');
      expect(failed.status).toBe('failed');
      expect(failed.failedLine).toBe(1);
      expect(failed.failedError).toMatch(/JobCanceledError: .*stop the test alias/);
      const moved = failed.lines[0]?.rowsDone ?? 0;
      expect(moved).toBeGreaterThan(0);
      expect(moved).toBeLessThan(5_000);
      expect(await wrongPostCounts(db)).toEqual([]);

      await approveBur(bur, users.admin, { db });
      const done = await burStatus(bur.id, 'completed', 'failed');
      expect(done.status).toBe('completed');
      expect(done.lines[0]).toMatchObject({ rowsDone: 5_000, rowsTotal: 5_000 });
      expect(await postCount(db, 'b')).toBe(5_000);
      expect(await wrongPostCounts(db)).toEqual([]);
    } finally {
      ProcessBulkUpdateRequestJob.chunkSize = 250;
    }
  });
});
