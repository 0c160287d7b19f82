// Job history beyond one job, on the real test database and Redis with a real in-process worker:
// each execution records its dependent (flow parent), the job page's links come from Redis while
// it holds the jobs and from history after; "retry all failed" on a search counts only each job's
// latest execution, retries in place what Redis's failed set holds, enqueues again (once) what Redis
// let go, refuses what it cannot re-run, and is bounded.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertExecutions, type ExecutionRow } from '../../../app/db/job-history.repository';
import { retryLinkOf } from '../../../app/db/job-history-links.repository';
import {
  BullmqAdapter,
  configureBacklot,
  Job,
  JobInspector,
  registerJobs,
} from '../../../app/framework/index';
import { planHistoryRetry, runHistoryRetry } from '../../../app/services/job-history/history-retry';
import { jobRelations } from '../../../app/services/job-history/relations';
import { searchTermsOf } from '../../../app/services/job-history/search-terms';
import { HistoryQueryError, jobTimeline, parseHistoryQuery } from '../../../app/services/job-history/search';
import { disconnectTestPrisma, truncateAll } from '../../support/database';
import { useRedisPrefix } from '../../support/redis';
import { useRecordingWorker } from './recording-support';

const QUEUES = ['default'];
let failing = true;

class LinkStepJob extends Job {
  static override jobName = 'Links_StepJob';
  perform(name: string, _options: Record<string, unknown> = {}) {
    if (failing) throw new Error(`step ${name} failed`);
    return `${name} done`;
  }
}

class LinkSummaryJob extends Job {
  static override jobName = 'Links_SummaryJob';
  perform(_name: string) {
    return 'summed';
  }
}

function failedRow(jobId: string, jobClass: string, args: unknown[], finishedAt: number): ExecutionRow {
  return {
    jobId,
    jobClass,
    queue: 'default',
    state: 'failed',
    attempt: 1,
    arguments: args,
    searchTerms: searchTermsOf(args),
    errorClass: 'Error',
    errorMessage: 'boom',
    enqueuedAt: finishedAt - 20,
    startedAt: finishedAt - 10,
    finishedAt,
    durationMs: 10,
    workerHost: 'host-a',
    workerPid: 1,
  };
}

describe('job history links and retry from a search', () => {
  const redis = useRedisPrefix('history-links');
  let adapter: BullmqAdapter;
  let inspector: JobInspector;
  const q = (input: Record<string, unknown>) => parseHistoryQuery(input, QUEUES);

  beforeAll(() => {
    adapter = new BullmqAdapter({ connection: redis.connection(), prefix: redis.prefix });
    configureBacklot({ adapter, queues: QUEUES, filterKeys: ['password'] });
    registerJobs([LinkStepJob, LinkSummaryJob]);
    inspector = new JobInspector(adapter, QUEUES);
  });
  // Registered before useRecordingWorker's: runs after it (stack order), once the worker is closed.
  afterAll(async () => {
    await adapter?.close();
    await disconnectTestPrisma();
  });

  const history = useRecordingWorker({
    queues: QUEUES,
    prefix: redis.prefix,
    connection: () => redis.connection({ worker: true }),
  });

  beforeEach(async () => {
    await truncateAll();
    failing = true;
  });

  async function finished(jobId: string): Promise<void> {
    const bullJob = await adapter.queue('default').getJob(jobId);
    await bullJob?.waitUntilFinished(history.events, 10_000).catch(() => undefined);
    await history.recorder.flush();
  }

  it('records each dependency’s dependent and links both ways, from Redis and then from history', async () => {
    failing = false;
    const a = LinkStepJob.build('a');
    const b = LinkStepJob.build('b');
    const summary = LinkSummaryJob.build('sum');
    await summary.enqueueAfter([a, b]);
    await finished(summary.jobId);

    const { rows } = await history.pool.query<{ jobId: string; parent: string | null }>(
      `SELECT job_id AS "jobId", parent_job_id AS parent FROM job_executions ORDER BY job_id`,
    );
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.jobId === a.jobId)?.parent).toBe(summary.jobId);
    expect(rows.find((r) => r.jobId === summary.jobId)?.parent).toBeNull();

    const live = await jobRelations(history.pool, inspector, summary.jobId, {
      live: await inspector.status(summary.jobId),
      timeline: await jobTimeline(history.pool, summary.jobId),
    });
    expect(live.fromRedis).toBe(true);
    expect(live.dependencies.map((l) => l.id).sort()).toEqual([a.jobId, b.jobId].sort());
    expect(live.dependencies.every((l) => l.source === 'redis' && l.state === 'completed')).toBe(true);
    expect(live.dependencies[0]?.jobClass).toBe('Links_StepJob');
    expect(live.dependents).toEqual([]);

    // Redis lets all three go (removing the parent removes its children).
    await (await adapter.queue('default').getJob(summary.jobId))?.remove();
    expect(await inspector.find(a.jobId)).toBeUndefined();

    const fromHistory = await jobRelations(history.pool, inspector, summary.jobId, {
      timeline: await jobTimeline(history.pool, summary.jobId),
    });
    expect(fromHistory.fromRedis).toBe(false);
    expect(fromHistory.dependencies.map((l) => [l.id, l.state, l.source]).sort()).toEqual(
      [
        [a.jobId, 'completed', 'history'],
        [b.jobId, 'completed', 'history'],
      ].sort(),
    );
    const ofA = await jobRelations(history.pool, inspector, a.jobId, {
      timeline: await jobTimeline(history.pool, a.jobId),
    });
    expect(ofA.dependents).toEqual([
      {
        id: summary.jobId,
        jobClass: 'Links_SummaryJob',
        queue: 'default',
        state: 'completed',
        source: 'history',
      },
    ]);
  });

  it('says a linked job is unknown when neither Redis nor history has it', async () => {
    const orphan = failedRow('orphan-1', 'Links_StepJob', ['x'], Date.now());
    await insertExecutions(history.pool, [{ ...orphan, parentJobId: 'never-recorded-parent' }]);
    const links = await jobRelations(history.pool, inspector, 'orphan-1', {
      timeline: await jobTimeline(history.pool, 'orphan-1'),
    });
    expect(links.dependents).toEqual([
      {
        id: 'never-recorded-parent',
        jobClass: undefined,
        queue: undefined,
        state: undefined,
        source: 'unknown',
      },
    ]);
  });

  it('retries failed jobs in place or enqueues them again, counting only each job’s latest execution', async () => {
    const inRedis = await LinkStepJob.performLater('in-redis', { post: 7 });
    await finished(inRedis.jobId);
    expect((await inspector.status(inRedis.jobId)).state).toBe('failed');
    const now = Date.now();
    await insertExecutions(history.pool, [
      failedRow('gone-1', 'Links_StepJob', ['gone', { post: 7 }], now - 5_000),
      // Failed, then succeeded on a retry: not failed.
      failedRow('recovered-1', 'Links_StepJob', ['recovered', { post: 7 }], now - 4_000),
      {
        ...failedRow('recovered-1', 'Links_StepJob', ['recovered', { post: 7 }], now - 3_000),
        state: 'completed',
        errorClass: null,
        errorMessage: null,
        attempt: 2,
      },
      failedRow('filtered-1', 'Links_StepJob', ['secret', { password: '[FILTERED]' }], now - 2_000),
      failedRow('unknown-1', 'Links_NoSuchJob', ['x'], now - 1_000),
      failedRow('other-post', 'Links_StepJob', ['other', { post: 8 }], now - 500),
    ]);

    const query = q({ jobClass: 'Links_StepJob', args: 'post=7' });
    const plan = await planHistoryRetry(history.pool, inspector, query);
    expect(plan.matched).toBe(2);
    expect(plan.inPlace.map((e) => e.jobId)).toEqual([inRedis.jobId]);
    expect(plan.again.map((e) => e.jobId)).toEqual(['gone-1']);
    expect(plan.remaining).toBe(0);

    const everything = await planHistoryRetry(history.pool, inspector, q({}));
    expect(everything.matched).toBe(5);
    expect(everything.unretriable.map((u) => [u.id, u.reason]).sort()).toEqual([
      ['filtered-1', 'its arguments were stored with secrets filtered'],
      ['unknown-1', 'class Links_NoSuchJob is not known to this process'],
    ]);

    failing = false;
    const done = await runHistoryRetry(history.pool, inspector, query, 'tester');
    expect(done.retried).toBe(1);
    expect(done.enqueued).toHaveLength(1);
    const copy = done.enqueued[0]!;
    expect(copy.retryOf).toBe('gone-1');
    await finished(inRedis.jobId);
    await finished(copy.jobId);
    expect((await inspector.status(inRedis.jobId)).state).toBe('completed');
    const copied = await jobTimeline(history.pool, copy.jobId);
    expect(copied.map((e) => [e.jobClass, e.queue, e.state])).toEqual([
      ['Links_StepJob', 'default', 'completed'],
    ]);
    expect(copied[0]?.arguments).toEqual(['gone', { post: 7 }]);
    expect(await retryLinkOf(history.pool, copy.jobId)).toMatchObject({
      retryOf: 'gone-1',
      retriedBy: 'tester',
    });
    expect((await retryLinkOf(history.pool, 'gone-1')).retriedAs).toBe(copy.jobId);

    // Done: the in-place job's latest execution completed, the gone one is enqueued again already.
    const again = await runHistoryRetry(history.pool, inspector, query, 'tester');
    expect(again).toMatchObject({ retried: 0, enqueued: [], skipped: 0, remaining: 0 });
  });

  it('leaves a job alone that is no longer failed in Redis, and bounds each action', async () => {
    const stuck = await LinkStepJob.performLater('moves-on');
    await finished(stuck.jobId);
    const now = Date.now();
    await insertExecutions(history.pool, [
      failedRow('gone-a', 'Links_StepJob', ['a'], now - 3_000),
      failedRow('gone-b', 'Links_StepJob', ['b'], now - 2_000),
    ]);
    // Retried by hand meanwhile: waiting (the history.worker fails it again at once, so pause the queue).
    await adapter.queue('default').pause();
    try {
      await inspector.retry(stuck.jobId);
      const plan = await planHistoryRetry(history.pool, inspector, q({ state: 'failed' }), 2);
      expect(plan.matched).toBe(3);
      expect(plan.remaining).toBe(1);
      // Newest failure first: the in-Redis one, then gone-b.
      expect(plan.movedOn).toEqual([{ id: stuck.jobId, state: 'waiting' }]);
      expect(plan.again.map((e) => e.jobId)).toEqual(['gone-b']);
    } finally {
      await adapter.queue('default').resume();
    }
  });

  it('refuses a search of another state, naming the field', async () => {
    await expect(planHistoryRetry(history.pool, inspector, q({ state: 'completed' }))).rejects.toThrow(
      HistoryQueryError,
    );
    await expect(planHistoryRetry(history.pool, inspector, q({ state: 'completed' }))).rejects.toThrow(
      /^state: retry applies to failed jobs/,
    );
  });
});
