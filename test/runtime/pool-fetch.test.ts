/**
 * A pool serving several queues takes a job from Redis only when it has a free slot: with
 * `--pool=default,bulk_update:2` the pool's queues together hold at most 2 jobs active (sampled in
 * Redis while a backlog on both queues drains), and both queues get slots. A pool whose slots are
 * all busy leaves a bulk_update job waiting, so another process on bulk_update takes it (bulk_update
 * runs one job at a time across every host: a job held by a busy pool would block them all).
 */
import { describe, expect, it } from 'vitest';
import { Job } from '../../app/framework/index';
import { IntervalJob, SleepJob } from '../fixtures/jobs';
import { FIXTURES, processEnv, sleep, startWorker, useBacklot, useWorkerScope, waitUntil } from './support';

interface Interval {
  start: number;
  end: number;
  pid: number;
}

describe('a pool serving several queues holds only the jobs it runs', () => {
  const scope = useWorkerScope('pool-fetch');
  const env = processEnv(scope);
  const redis = scope.connection();
  const adapter = useBacklot(scope);
  // One MULTI: both lists read at the same instant (two separate reads could count a slot twice,
  // once on the queue that freed it and once on the queue that took it).
  const activeCount = async () => {
    const replies = await redis
      .multi()
      .llen(`${scope.prefix}:default:active`)
      .llen(`${scope.prefix}:bulk_update:active`)
      .exec();
    return (replies ?? []).reduce((sum, [, n]) => sum + Number(n), 0);
  };

  it('keeps at most N jobs active across its queues at every sample, and serves both queues', async () => {
    const key = `${scope.prefix}:sampled`;
    const pool = startWorker(['--pool=default,bulk_update:2', '--require', FIXTURES], env);
    await pool.started('default,bulk_update:2');
    await Job.performAllLater([
      ...Array.from({ length: 12 }, (_, i) => SleepJob.build(key, `d${i}`, 150)),
      ...Array.from({ length: 6 }, () => IntervalJob.build(`${key}:intervals`, 150)),
    ]);

    const samples: number[] = [];
    try {
      await waitUntil(
        'all 18 jobs finished',
        async () => {
          samples.push(await activeCount());
          const done = (await redis.llen(`${key}:done`)) + (await redis.llen(`${key}:intervals`));
          return done === 18 && (await activeCount()) === 0;
        },
        { timeoutMs: 60_000, intervalMs: 10 },
      );
    } finally {
      pool.proc.signal('SIGTERM'); // whatever happens here, the next test's processes are alone
    }

    expect(Math.max(...samples)).toBeLessThanOrEqual(2);
    expect(samples.filter((n) => n === 2).length).toBeGreaterThan(0); // the pool did run 2 at once
    // Fair among the queues: bulk_update jobs ran while default still had work, not only after it.
    const intervals = (await redis.lrange(`${key}:intervals`, 0, -1)).map((r) => JSON.parse(r) as Interval);
    expect(await redis.llen(`${key}:done`)).toBe(12);
    const finishedOn = (await adapter.queue('default').getJobs(['completed'])).map((j) => j.finishedOn ?? 0);
    const lastDefault = Math.max(...finishedOn);
    expect(intervals.filter((i) => i.end < lastDefault).length).toBeGreaterThan(0);
    expect(await pool.proc.exited).toEqual({ code: 0, signal: null });
  });

  it('leaves a bulk_update job waiting while its slots are busy, for another process to take', async () => {
    const key = `${scope.prefix}:handover`;
    const busy = startWorker(['--pool=default,bulk_update:1', '--require', FIXTURES], env);
    await busy.started('default,bulk_update:1');
    await SleepJob.performLater(key, 'long', 60_000);
    await waitUntil(
      'the busy pool started the long job',
      async () => (await redis.llen(`${key}:started`)) === 1,
    );

    const bur = await IntervalJob.performLater(`${key}:intervals`, 100);
    await sleep(1_500); // the busy pool's bulk_update worker has had every chance to take it
    expect(await adapter.queue('bulk_update').getJobState(bur.jobId)).toBe('waiting');
    expect(await activeCount()).toBe(1);

    const other = startWorker(['--pool=bulk_update:1', '--require', FIXTURES], env);
    await other.started('bulk_update:1');
    const [ran] = await waitUntil(
      'the bulk_update job ran',
      async () => {
        const rows = await redis.lrange(`${key}:intervals`, 0, -1);
        return rows.length > 0 ? rows.map((r) => JSON.parse(r) as Interval) : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    expect(other.childPids()).toContain(ran?.pid);
    expect(await redis.llen(`${key}:done`)).toBe(0); // the long job is still running on the busy pool
    other.proc.signal('SIGTERM');
    expect(await other.proc.exited).toEqual({ code: 0, signal: null });
    await busy.kill9();
  });
});
