/**
 * ReconcileBulkUpdateRequestsJob on a real Redis (BullMQ, a prefix of this file's own) and the real
 * test database. A worker that "dies" is a bare BullMQ Worker that takes the request's job and
 * never renews its lock, as a kill -9'd worker leaves it: BullMQ's own stalled check requeues the
 * job, the next worker dies the same way, and past the production stall limit (maxStalledCount 2)
 * the next real worker to take it fails it ("job stalled more than allowable limit") without
 * running perform. The database side of the lost run is the processing service stopped mid-line the way an
 * interruption leaves it (line running, request processing).
 */
import { Worker, type Job as BullJob } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disconnectPrisma } from '../../app/db/client';
import {
  BullmqAdapter,
  cancelJob,
  configureBacklot,
  configureEvents,
  EventBroker,
  JobInspector,
  registerJobs,
  startWorker,
  TestAdapter,
  type BacklotEvent,
} from '../../app/framework/index';
import { approveBur, createBur } from '../../app/services/bulk-update-request/approval';
import { processBulkUpdateRequest } from '../../app/services/bulk-update-request/processing';
import {
  failAbandonedBulkUpdateRequests,
  inspectedProcessingJobs,
  NO_PROCESSING_JOB_REASON,
} from '../../app/services/maintenance/bur-reconciliation';
import { QUEUE_NAMES, WORKER_TIMINGS } from '../../config/queues';
import { ProcessBulkUpdateRequestJob } from '../../jobs/process-bulk-update-request.job';
import { ReconcileBulkUpdateRequestsJob } from '../../jobs/reconcile-bulk-update-requests.job';
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
const STALLED_REASON = 'job stalled more than allowable limit';

/** Polls until `check` answers something, for at most 15,000 ms (every 50 ms). */
function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>): Promise<T> {
  return waitUntil(what, check, { timeoutMs: 15_000, intervalMs: 50 });
}

class Killed extends Error {}

describe('ReconcileBulkUpdateRequestsJob (real Redis and PostgreSQL)', () => {
  const scope = useRedisPrefix('bur-reconcile');
  // approveBur stages its job in the outbox: relayed to Redis as bin/worker does.
  const outbox = useOutboxRelay(() => adapter, { prefix: scope.prefix });
  let adapter: BullmqAdapter;
  let users: Users;
  let broker: EventBroker;
  let seen: BacklotEvent[];
  const lostWorkers: Worker[] = [];

  beforeAll(() => {
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    registerJobs([ProcessBulkUpdateRequestJob, ReconcileBulkUpdateRequestsJob]);
    broker = new EventBroker();
    broker.register({ name: 'record', deliver: (events) => void seen.push(...events) }, { capacity: 1_000 });
  });

  beforeEach(async () => {
    await truncateAll();
    configureBacklot({ adapter, queues: QUEUE_NAMES });
    configureEvents(broker);
    await adapter.queue('bulk_update').obliterate({ force: true });
    users = await createUsers(db);
    seen = [];
  });

  afterAll(async () => {
    await Promise.all(lostWorkers.map((w) => w.close(true)));
    configureEvents(undefined);
    await broker.close();
    await adapter.close();
    await disconnectPrisma();
    await disconnectTestPrisma();
  });

  async function approve(script: string): Promise<{ burId: number; jobId: string }> {
    const { bur, check } = await createBur(users.member, script, null, { db });
    expect(check.errors).toEqual([]);
    const { jobId } = await approveBur(bur, users.admin, { db });
    await outbox.drained();
    return { burId: bur.id, jobId };
  }

  /** The hourly run comes later: the request was approved `minutes` ago. */
  async function approvedMinutesAgo(burId: number, minutes: number): Promise<void> {
    await db.bulkUpdateRequest.update({
      where: { id: burId },
      data: { approvedAt: new Date(Date.now() - minutes * 60_000) },
    });
  }

  /** A worker takes the bulk_update queue's next job and is never heard of again (its lock is not renewed). */
  async function loseWorkerWith(
    jobId: string,
    options: { lockMs: number },
  ): Promise<{ worker: Worker; job: BullJob }> {
    const worker = new Worker('bulk_update', null, {
      connection: scope.connection({ worker: true }),
      prefix: scope.prefix,
      autorun: false,
      lockDuration: options.lockMs,
      stalledInterval: 200,
      maxStalledCount: WORKER_TIMINGS.maxStalledCount,
    });
    lostWorkers.push(worker);
    const job = (await worker.getNextJob('lost-worker', { block: false })) as BullJob | undefined;
    expect(job?.id).toBe(jobId);
    return { worker, job: job! };
  }

  function jobState(jobId: string) {
    return adapter.queue('bulk_update').getJobState(jobId);
  }

  async function burWithLines(id: number) {
    return db.bulkUpdateRequest.findUniqueOrThrow({
      where: { id },
      include: { lines: { orderBy: { lineNumber: 'asc' } } },
    });
  }

  /**
   * An alias over 31 posts approved; its job taken by a worker that is killed when 12 posts have
   * moved (line 1 running, request processing), then by two more that die at once, after which
   * BullMQ fails the job as stalled.
   */
  async function requestWhoseWorkerDiedMidLine(): Promise<{ burId: number; jobId: string }> {
    await createManyPosts(db, 30, ['a']);
    await createPostsWithTags(db, [['a', 'b'], ['b']]);
    const { burId, jobId } = await approve('alias a -> b\ndeprecate b');
    const { worker } = await loseWorkerWith(jobId, { lockMs: 300 });
    const stop = await processBulkUpdateRequest(db, burId, {
      chunkSize: 4,
      onProgress: (p) => {
        if (p.rowsDone >= 12) throw new Killed();
      },
      isInterruption: (error) => error instanceof Killed,
    }).catch((error: unknown) => error);
    expect(stop).toBeInstanceOf(Killed);
    // BullMQ's stalled check requeues the job; each restarted worker takes it and is killed again,
    // until the check marks it to fail (over maxStalledCount) and requeues it one last time.
    await worker.startStalledCheckTimer();
    let runs = 1;
    await waitFor('the job stalled more often than allowed', async () => {
      if ((await adapter.queue('bulk_update').getJob(jobId))?.deferredFailure) return true;
      if ((await jobState(jobId)) !== 'waiting') return false;
      const taken = (await worker.getNextJob(`lost-worker-${runs + 1}`, { block: false })) as
        BullJob | undefined;
      // The stalled check may mark the job to fail and requeue it between the two reads above:
      // taking that last requeue is not another run (BullMQ fails it instead of running it). Hand
      // it back at once: left active under this worker's token, it would wait for the next
      // worker's stall check (30 s in production timings) before that worker could fail it.
      if (taken?.deferredFailure) {
        await taken.moveToWait(`lost-worker-${runs + 1}`);
        return true;
      }
      if (taken) runs += 1;
      return false;
    });
    await worker.close(true);
    expect(runs).toBe(WORKER_TIMINGS.maxStalledCount + 1);
    // The next worker to take it fails it without running perform (the request would resume otherwise).
    const next = startWorker({
      queues: ['bulk_update'],
      connection: scope.connection({ worker: true }),
      prefix: scope.prefix,
    });
    try {
      await waitFor('BullMQ fails the stalled job', async () => (await jobState(jobId)) === 'failed');
    } finally {
      await next.close();
    }
    expect((await adapter.queue('bulk_update').getJob(jobId))?.failedReason).toBe(STALLED_REASON);
    return { burId, jobId };
  }

  it("fails a request whose job BullMQ failed after it stalled, with the job's reason, a mod action and a bur.status event", async () => {
    const { burId, jobId } = await requestWhoseWorkerDiedMidLine();
    expect((await burWithLines(burId)).status).toBe('processing');
    await approvedMinutesAgo(burId, 60);

    expect(await ReconcileBulkUpdateRequestsJob.performNow()).toEqual({ checked: 1, live: 0, failed: 1 });

    const reason = `processing job ${jobId} failed: ${STALLED_REASON}`;
    const bur = await burWithLines(burId);
    expect(bur).toMatchObject({
      status: 'failed',
      failedLine: 1,
      failedError: reason,
      processingJobId: jobId,
    });
    expect(bur.lines.map((l) => [l.lineNumber, l.status, l.error, l.rowsDone])).toEqual([
      [1, 'failed', reason, 12],
      [2, 'pending', null, 0],
    ]);
    expect(await modActionsOf(db, burId)).toEqual([
      `bulk_update_request_approve: approved bulk update request #${burId}`,
      `bulk_update_request_fail: bulk update request #${burId} failed at line 1: ${reason}`,
    ]);
    expect(
      (await db.modAction.findFirstOrThrow({ where: { category: 'bulk_update_request_fail' } })).creatorId,
    ).toBeNull();
    const event = await waitFor('bur.status failed is published', () =>
      Promise.resolve(seen.find((e) => e.type === 'bur.status' && e.data.status === 'failed')),
    );
    expect(event).toMatchObject({
      topic: `/burs/${burId}`,
      data: { burId, status: 'failed', message: reason, jobId },
    });

    // Nothing left to do on the next run.
    expect(await ReconcileBulkUpdateRequestsJob.performNow()).toEqual({ checked: 0, live: 0, failed: 0 });
  });

  it('fails a request whose job no longer exists, or completed without finishing it, saying which', async () => {
    const gone = await approve('alias a -> b');
    expect(await cancelJob(gone.jobId)).toBe('removed'); // an operator canceled the waiting job
    const completed = await approve('alias c -> d');
    const { job } = await loseWorkerWith(completed.jobId, { lockMs: 60_000 });
    await job.moveToCompleted({ status: 'skipped' }, 'lost-worker', false);
    await approvedMinutesAgo(gone.burId, 5);
    await approvedMinutesAgo(completed.burId, 5);

    expect(await ReconcileBulkUpdateRequestsJob.performNow()).toEqual({ checked: 2, live: 0, failed: 2 });

    expect(await burWithLines(gone.burId)).toMatchObject({
      status: 'failed',
      failedLine: null,
      failedError: `processing job ${gone.jobId} no longer exists`,
    });
    expect(await burWithLines(completed.burId)).toMatchObject({
      status: 'failed',
      failedLine: null,
      failedError: `processing job ${completed.jobId} completed without finishing the request`,
    });
    expect(await modActionsOf(db, gone.burId)).toContain(
      `bulk_update_request_fail: bulk update request #${gone.burId} failed: processing job ${gone.jobId} no longer exists`,
    );
  });

  it('leaves a request alone while its job is waiting or active', async () => {
    const running = await approve('alias a -> b');
    const queued = await approve('alias c -> d');
    await approvedMinutesAgo(running.burId, 60);
    await approvedMinutesAgo(queued.burId, 60);
    await loseWorkerWith(running.jobId, { lockMs: 60_000 }); // the first in the queue; its lock still holds
    expect(await jobState(running.jobId)).toBe('active');
    expect(await jobState(queued.jobId)).toBe('waiting');

    expect(await ReconcileBulkUpdateRequestsJob.performNow()).toEqual({ checked: 2, live: 2, failed: 0 });

    for (const { burId } of [running, queued]) {
      expect(await burWithLines(burId)).toMatchObject({ status: 'processing', failedError: null });
      expect(await modActionsOf(db, burId)).toEqual([
        `bulk_update_request_approve: approved bulk update request #${burId}`,
      ]);
    }
  });

  it('leaves a request alone while its job waits in the outbox (committed, not relayed yet: Redis away)', async () => {
    const { burId, jobId } = await approve('alias a -> b');
    await adapter.queue('bulk_update').remove(jobId);
    await outbox.pause();
    await db.$executeRawUnsafe(
      `INSERT INTO job_outbox (job_id, queue, name, data, opts, created_at) VALUES ($1, 'bulk_update', 'ProcessBulkUpdateRequestJob', '{}', '{}', now() - interval '1 hour')`,
      jobId,
    );
    await approvedMinutesAgo(burId, 60);
    const jobs = inspectedProcessingJobs(
      new JobInspector(adapter, QUEUE_NAMES),
      'ProcessBulkUpdateRequestJob',
      'bulk_update',
    );
    expect(await failAbandonedBulkUpdateRequests(db, jobs)).toMatchObject({
      checked: 1,
      live: 1,
      failed: [],
    });
    expect((await burWithLines(burId)).status).toBe('processing');
    await db.$executeRawUnsafe('DELETE FROM job_outbox');
    outbox.resume();
  });

  it('looks for a live job of a request approved before job ids were stored, and fails it when there is none', async () => {
    const { burId, jobId } = await approve('alias a -> b');
    await db.bulkUpdateRequest.update({ where: { id: burId }, data: { processingJobId: null } });
    await approvedMinutesAgo(burId, 60);

    expect(await ReconcileBulkUpdateRequestsJob.performNow()).toEqual({ checked: 1, live: 1, failed: 0 });
    expect((await burWithLines(burId)).status).toBe('processing');

    await adapter.queue('bulk_update').remove(jobId);
    expect(await ReconcileBulkUpdateRequestsJob.performNow()).toEqual({ checked: 1, live: 0, failed: 1 });
    expect(await burWithLines(burId)).toMatchObject({
      status: 'failed',
      failedError: NO_PROCESSING_JOB_REASON,
    });
  });

  it('leaves a failed request resumable: approved again, it runs on a worker from the interrupted line and completes', async () => {
    const { burId, jobId } = await requestWhoseWorkerDiedMidLine();
    await approvedMinutesAgo(burId, 60);
    await ReconcileBulkUpdateRequestsJob.performNow();
    expect((await burWithLines(burId)).status).toBe('failed');

    const again = await approveBur({ id: burId }, users.admin, { db });
    expect(again.resumed).toBe(true);
    expect(again.jobId).not.toBe(jobId);
    expect(again.bur).toMatchObject({
      status: 'processing',
      failedLine: null,
      failedError: null,
      processingJobId: again.jobId,
    });
    ProcessBulkUpdateRequestJob.chunkSize = 4;
    const worker = startWorker({
      queues: ['bulk_update'],
      connection: scope.connection({ worker: true }),
      prefix: scope.prefix,
    });
    try {
      await waitFor('the request completes', async () => (await burWithLines(burId)).status === 'completed');
    } finally {
      await worker.close();
      ProcessBulkUpdateRequestJob.chunkSize = undefined;
    }

    const done = await burWithLines(burId);
    expect(done.lines.map((l) => [l.status, l.rowsDone, l.rowsTotal])).toEqual([
      ['done', 31, 31],
      ['done', 0, null],
    ]);
    expect(await postsWith(db, 'a')).toEqual([]);
    expect(await postCount(db, 'b')).toBe(32);
    expect(await wrongPostCounts(db)).toEqual([]);
    expect(await modActionsOf(db, burId)).toEqual([
      `bulk_update_request_approve: approved bulk update request #${burId}`,
      `bulk_update_request_fail: bulk update request #${burId} failed at line 1: processing job ${jobId} failed: ${STALLED_REASON}`,
      `bulk_update_request_approve: approved bulk update request #${burId} again (resuming at line 1)`,
      'tag_alias_create: created tag alias [[a]] -> [[b]]',
      'tag_deprecate: deprecated [[b]]',
    ]);
    expect(await ReconcileBulkUpdateRequestsJob.performNow()).toEqual({ checked: 0, live: 0, failed: 0 });
  });

  it('has nothing to reconcile with an adapter that keeps no job records', async () => {
    const { burId } = await approve('alias a -> b');
    await approvedMinutesAgo(burId, 60);
    configureBacklot({ adapter: new TestAdapter() });
    expect(await ReconcileBulkUpdateRequestsJob.performNow()).toEqual({ checked: 0, live: 0, failed: 0 });
    expect((await burWithLines(burId)).status).toBe('processing');
  });
});
