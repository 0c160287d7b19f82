/**
 * End to end, with real processes: a bulk update request whose bin/worker pool process is
 * SIGKILLed in the middle of a line more often than BullMQ's stall limit allows (3 kills at
 * maxStalledCount 2). BullMQ fails its job "job stalled more than allowable limit" without perform
 * running again, so the request is left `processing`; ReconcileBulkUpdateRequestsJob (the hourly
 * task) fails it with that reason, and approving it again resumes it on the worker, which
 * completes it with every count right. Lock and stall timings are shortened (FAST_TIMINGS) and
 * the worker moves one post per chunk (test/fixtures/slow-bur.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectPrisma } from '../../app/db/client';
import { approveBur, createBur } from '../../app/services/bulk-update-request/approval';
import { ReconcileBulkUpdateRequestsJob } from '../../jobs/reconcile-bulk-update-requests.job';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';
import {
  createManyPosts,
  createUsers,
  modActionsOf,
  postCount,
  postsWith,
  wrongPostCounts,
} from '../services/bulk-update-request/processing-support';
import {
  FAST_TIMINGS,
  isAlive,
  processEnv,
  startWorker,
  useBacklot,
  useWorkerScope,
  waitUntil,
} from './support';

const SLOW_BUR = 'test/fixtures/slow-bur.ts';
const STALLED_REASON = 'job stalled more than allowable limit';
const POSTS = 1_000;

describe('a BUR whose worker is killed more often than the stall limit allows', () => {
  const scope = useWorkerScope('bur-stalled');
  const env = processEnv(scope, FAST_TIMINGS);
  const adapter = useBacklot(scope);
  const db = testPrisma();

  beforeAll(() => truncateAll());
  afterAll(async () => {
    await disconnectPrisma();
    await disconnectTestPrisma();
  });

  it(
    "is failed by the reconciliation with BullMQ's reason, then approved again and completed on the worker",
    { timeout: 180_000 },
    async () => {
      const users = await createUsers(db);
      await createManyPosts(db, POSTS, ['a']);
      const worker = startWorker(['--pool=bulk_update:1', '--require', SLOW_BUR], env);
      await worker.started('bulk_update:1');
      const { bur } = await createBur(users.member, 'alias a -> b', null, { db });
      const { jobId } = await approveBur(bur, users.admin, { db });
      const line = () =>
        db.bulkUpdateRequestLine.findFirstOrThrow({ where: { bulkUpdateRequestId: bur.id } });

      // Each run (the first, then each pool process the supervisor restarts after the lock lapsed)
      // is killed as soon as it has moved posts.
      let rowsDone = 0;
      const killed: number[] = [];
      for (let run = 1; run <= 3; run += 1) {
        await waitUntil(
          `run ${run} moves posts`,
          async () => {
            const current = await line();
            return current.status === 'running' && current.rowsDone > rowsDone;
          },
          { timeoutMs: 60_000, intervalMs: 20 },
        );
        const pid = worker.childPid();
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
        await waitUntil(`pool process ${pid} is gone`, () => !isAlive(pid));
        rowsDone = (await line()).rowsDone;
      }
      expect(new Set(killed).size).toBe(3);
      expect(rowsDone).toBeLessThan(POSTS);

      // The fourth pool process fails the job without running perform: the request stays processing.
      const queue = adapter.queue('bulk_update');
      await waitUntil('BullMQ fails the job', async () => (await queue.getJobState(jobId)) === 'failed', {
        timeoutMs: 60_000,
      });
      expect((await queue.getJob(jobId))?.failedReason).toBe(STALLED_REASON);
      expect(await db.bulkUpdateRequest.findUniqueOrThrow({ where: { id: bur.id } })).toMatchObject({
        status: 'processing',
      });
      expect(await line()).toMatchObject({ status: 'running', rowsDone });

      // The hourly reconciliation, once the request has been processing past the grace period.
      await db.bulkUpdateRequest.update({
        where: { id: bur.id },
        data: { approvedAt: new Date(Date.now() - 60 * 60_000) },
      });
      expect(await ReconcileBulkUpdateRequestsJob.performNow()).toEqual({ checked: 1, live: 0, failed: 1 });
      const reason = `processing job ${jobId} failed: ${STALLED_REASON}`;
      expect(await db.bulkUpdateRequest.findUniqueOrThrow({ where: { id: bur.id } })).toMatchObject({
        status: 'failed',
        failedLine: 1,
        failedError: reason,
      });
      expect(await line()).toMatchObject({ status: 'failed', error: reason, rowsDone });

      // Approved again: the worker resumes the line where the killed runs left it.
      const again = await approveBur({ id: bur.id }, users.admin, { db });
      expect(again.resumed).toBe(true);
      await waitUntil(
        'the request completes',
        async () =>
          (await db.bulkUpdateRequest.findUniqueOrThrow({ where: { id: bur.id } })).status === 'completed',
        { timeoutMs: 90_000 },
      );
      expect(await line()).toMatchObject({ status: 'done', rowsDone: POSTS, rowsTotal: POSTS });
      expect(await postsWith(db, 'a')).toEqual([]);
      expect(await postCount(db, 'b')).toBe(POSTS);
      expect(await wrongPostCounts(db)).toEqual([]);
      expect(await modActionsOf(db, bur.id)).toEqual([
        `bulk_update_request_approve: approved bulk update request #${bur.id}`,
        `bulk_update_request_fail: bulk update request #${bur.id} failed at line 1: ${reason}`,
        `bulk_update_request_approve: approved bulk update request #${bur.id} again (resuming at line 1)`,
        'tag_alias_create: created tag alias [[a]] -> [[b]]',
      ]);
    },
  );
});
