import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  Job,
  registerJobs,
  startWorker,
  TestAdapter,
  type RunningWorker,
} from '../../app/framework/index';
import { QUEUE_NAMES } from '../../config/queues';
import { PRUNE_JOBS_OLDER_THAN_SECONDS, PruneJobsJob } from '../../jobs/prune-jobs.job';
import { captureLogs } from '../support/log-capture';
import { useRedisPrefix } from '../support/redis';

class PruneTest_DoneJob extends Job {
  perform(label: string) {
    return label;
  }
}

class PruneTest_BulkDoneJob extends Job {
  static {
    this.queueAs('bulk_update');
  }
  perform(label: string) {
    return label;
  }
}

class PruneTest_FailingJob extends Job {
  perform(label: string) {
    throw new Error(`failed ${label}`);
  }
}

describe('PruneJobsJob (real Redis)', () => {
  const scope = useRedisPrefix('prune-jobs');
  let adapter: BullmqAdapter;
  let worker: RunningWorker;
  const old: string[] = [];
  const recent: string[] = [];
  let delayedId: string;

  async function finishedIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const name of QUEUE_NAMES) {
      for (const job of await adapter.queue(name).getJobs(['completed', 'failed'])) ids.push(String(job.id));
    }
    return ids.sort();
  }

  async function waitUntilFinished(ids: string[]): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const done = await finishedIds();
      if (ids.every((id) => done.includes(id))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('jobs did not finish in time');
  }

  async function batch(label: string): Promise<string[]> {
    const jobs = await Promise.all([
      PruneTest_DoneJob.performLater(`${label}-1`),
      PruneTest_DoneJob.performLater(`${label}-2`),
      PruneTest_DoneJob.performLater(`${label}-3`),
      PruneTest_FailingJob.performLater(`${label}-4`),
      PruneTest_FailingJob.performLater(`${label}-5`),
      PruneTest_BulkDoneJob.performLater(`${label}-6`),
      PruneTest_BulkDoneJob.performLater(`${label}-7`),
    ]);
    const ids = jobs.map((j) => j.jobId);
    await waitUntilFinished(ids);
    return ids;
  }

  beforeAll(async () => {
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: QUEUE_NAMES });
    registerJobs([PruneTest_DoneJob, PruneTest_BulkDoneJob, PruneTest_FailingJob]);
    worker = startWorker({
      queues: QUEUE_NAMES,
      concurrency: 4,
      connection: scope.connection({ worker: true }),
      prefix: scope.prefix,
    });
    old.push(...(await batch('old')));
    // The cutoff is an argument: "old" here means finished 2 s before the prune, "recent" just before it; the cutoff is 1 s.
    await new Promise((r) => setTimeout(r, 2_000));
    recent.push(...(await batch('recent')));
    delayedId = (await PruneTest_DoneJob.set({ wait: 3600 }).performLater('later')).jobId;
  });

  afterAll(async () => {
    await worker.close();
    await adapter.close();
  });

  it('keeps every job finished within the default 3 days', async () => {
    expect(PRUNE_JOBS_OLDER_THAN_SECONDS).toBe(259_200);
    const result = await PruneJobsJob.performNow();
    expect(result).toEqual({
      olderThanSeconds: 259_200,
      removed: { default: { completed: 0, failed: 0 }, bulk_update: { completed: 0, failed: 0 } },
      total: 0,
    });
    expect(await finishedIds()).toEqual([...old, ...recent].sort());
  });

  it('removes completed and failed jobs older than the cutoff from every queue, in batches, keeps recent ones, and logs the counts', async () => {
    const logs = captureLogs('info');
    const result = await PruneJobsJob.performNow(1, 2);
    expect(result).toEqual({
      olderThanSeconds: 1,
      removed: { default: { completed: 3, failed: 2 }, bulk_update: { completed: 2, failed: 0 } },
      total: 7,
    });
    expect(await finishedIds()).toEqual([...recent].sort());
    for (const id of old) expect(await adapter.queue('default').getJob(id)).toBeUndefined();
    expect(await adapter.queue('default').getJob(delayedId)).toBeDefined();
    const line = logs.lines.find((l) => l.event === 'prune_jobs');
    expect(line?.msg).toBe(
      'PruneJobsJob: removed 7 finished job(s) older than 1s (default 3 completed, 2 failed; bulk_update 2 completed, 0 failed)',
    );
  });

  it('has nothing to prune with an adapter that keeps no job records', async () => {
    configureBacklot({ adapter: new TestAdapter() });
    try {
      expect(await PruneJobsJob.performNow()).toMatchObject({ total: 0, removed: {} });
    } finally {
      configureBacklot({ adapter });
    }
  });
});

describe('PruneJobsJob: Queue.clean is its batch primitive (real Redis)', () => {
  const scope = useRedisPrefix('prune-jobs-batches');
  const OLD_JOBS = 2_500;
  let adapter: BullmqAdapter;

  beforeAll(async () => {
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: QUEUE_NAMES });
    registerJobs([PruneTest_DoneJob]);
    // One addBulk round trip, then a real worker completes them all.
    await Job.performAllLater(
      Array.from({ length: OLD_JOBS }, (_, i) => PruneTest_DoneJob.build(`bulk-${i}`)),
    );
    const worker = startWorker({
      queues: ['default'],
      concurrency: 50,
      connection: scope.connection({ worker: true }),
      prefix: scope.prefix,
    });
    try {
      const deadline = Date.now() + 30_000;
      while ((await adapter.queue('default').getCompletedCount()) < OLD_JOBS) {
        if (Date.now() > deadline) throw new Error(`${OLD_JOBS} jobs did not complete in time`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await worker.close();
    }
    // Older than the 1 s cutoff the test prunes with.
    await new Promise((r) => setTimeout(r, 1_100));
  }, 60_000);

  afterAll(() => adapter.close());

  it('2,500 old completed jobs at batch 1,000: 3 Queue.clean calls (one Redis script call each) for that queue and state, 1 for every other', async () => {
    const spies = Object.fromEntries(
      QUEUE_NAMES.map((name) => [name, vi.spyOn(adapter.queue(name), 'clean')]),
    );
    const scriptCalls: string[] = [];
    for (const name of QUEUE_NAMES)
      adapter.queue(name).on('cleaned', (_ids, type) => scriptCalls.push(`${name} ${type}`));

    const result = await PruneJobsJob.performNow(1, 1_000);

    expect(result).toEqual({
      olderThanSeconds: 1,
      removed: { default: { completed: 2_500, failed: 0 }, bulk_update: { completed: 0, failed: 0 } },
      total: 2_500,
    });
    const calls = (name: string) =>
      spies[name]?.mock.calls.map(([grace, limit, state]) => `${state} ${limit} ${grace}ms`);
    expect(calls('default')).toEqual([
      'completed 1000 1000ms',
      'completed 1000 1000ms',
      'completed 1000 1000ms',
      'failed 1000 1000ms',
    ]);
    expect(calls('bulk_update')).toEqual(['completed 1000 1000ms', 'failed 1000 1000ms']);
    const removedPerCall = await Promise.all(
      (spies.default?.mock.results ?? []).map(async (r) => ((await r.value) as string[]).length),
    );
    expect(removedPerCall).toEqual([1_000, 1_000, 500, 0]);
    expect(scriptCalls).toEqual([
      'default completed',
      'default completed',
      'default completed',
      'default failed',
      'bulk_update completed',
      'bulk_update failed',
    ]);
    expect(await adapter.queue('default').getCompletedCount()).toBe(0);
    for (const spy of Object.values(spies)) spy.mockRestore();
  });
});
