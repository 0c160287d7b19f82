/**
 * A job that keeps losing its worker fails instead of running forever: with maxStalledCount 2 it
 * is requeued after the first two kills and fails after the third, with BullMQ's stalled reason.
 * Plus the canary: the production timings in config/queues.ts, and that bin/worker uses them when
 * no override is set.
 */
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../config/env';
import { WORKER_TIMINGS, workerTimings } from '../../config/queues';
import { SleepJob } from '../fixtures/jobs';
import { FIXTURES, kill9AndAwait, startWorker, useRuntimeSpec, waitUntil } from './support';

const STALLED_REASON = 'job stalled more than allowable limit';

describe('production worker timings (canary)', () => {
  it('are 30 s lock, 30 s stalled check, 2 requeues after a lost worker, 25 s shutdown grace', () => {
    expect(WORKER_TIMINGS).toEqual({
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      maxStalledCount: 2,
      shutdownGraceMs: 25_000,
    });
  });

  it('are what bin/worker resolves from an environment without overrides', () => {
    expect(workerTimings(parseEnv({}))).toEqual(WORKER_TIMINGS);
    expect(workerTimings({})).toEqual(WORKER_TIMINGS);
  });

  it('take WORKER_LOCK_DURATION_MS, WORKER_STALLED_INTERVAL_MS and WORKER_SHUTDOWN_GRACE_MS as overrides', () => {
    const e = parseEnv({
      WORKER_LOCK_DURATION_MS: '3000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      WORKER_SHUTDOWN_GRACE_MS: '0',
    });
    expect(workerTimings(e)).toEqual({
      lockDurationMs: 3_000,
      stalledIntervalMs: 1_000,
      maxStalledCount: 2,
      shutdownGraceMs: 0,
    });
    expect(() => parseEnv({ WORKER_LOCK_DURATION_MS: 'soon' })).toThrow(/WORKER_LOCK_DURATION_MS="soon"/);
  });
});

describe('a job whose worker is killed 3 times', () => {
  const { scope, fastEnv, envWith, redis, adapter } = useRuntimeSpec('stalled-limit');

  it('holds a 30 s lock on a running job in a worker started without overrides', async () => {
    const env = envWith({
      WORKER_LOCK_DURATION_MS: '',
      WORKER_STALLED_INTERVAL_MS: '',
      WORKER_SHUTDOWN_GRACE_MS: '',
    });
    const worker = startWorker(['--pool=default:1', '--require', FIXTURES], env);
    await worker.started('default:1');
    const key = `${scope.prefix}:production-lock`;
    const job = await SleepJob.performLater(key, 'locked', 60_000);
    await waitUntil('the job started', async () => (await redis.llen(`${key}:started`)) === 1);
    const ttl = await redis.pttl(`${scope.prefix}:default:${job.jobId}:lock`);
    // Renewed at half the duration, so it is between 15 s and 30 s whenever it is read.
    expect(ttl).toBeGreaterThan(WORKER_TIMINGS.lockDurationMs / 2);
    expect(ttl).toBeLessThanOrEqual(WORKER_TIMINGS.lockDurationMs);
    await worker.kill9();
    await adapter.queue('default').obliterate({ force: true });
  });

  it(
    'is requeued twice, then fails saying it stalled more than the allowable limit',
    { timeout: 120_000 },
    async () => {
      const env = fastEnv;
      const key = `${scope.prefix}:unlucky`;
      // The supervisor restarts each killed pool process, which finds the job stalled and runs it again.
      const worker = startWorker(['--pool=default:1', '--require', FIXTURES], env);
      const job = await SleepJob.performLater(key, 'unlucky', 60_000);

      const killed: number[] = [];
      for (let run = 1; run <= 3; run += 1) {
        const started = await waitUntil(
          `run ${run} of the job started`,
          async () => {
            const list = await redis.lrange(`${key}:started`, 0, -1);
            return list.length >= run ? list : undefined;
          },
          { timeoutMs: 60_000 },
        );
        expect(started).toHaveLength(run);
        const pid = Number(started[run - 1]?.split(':').pop());
        expect(worker.childPids()).toContain(pid);
        killed.push(pid);
        await kill9AndAwait([pid], `pool process ${pid} is gone`);
      }

      const queue = adapter.queue('default');
      await waitUntil('the job failed', async () => (await queue.getJobState(job.jobId)) === 'failed', {
        timeoutMs: 60_000,
      });
      const failed = await queue.getJob(job.jobId);
      expect(failed?.failedReason).toBe(STALLED_REASON);
      expect(failed?.stalledCounter).toBe(3);
      // Three runs, each on its own (killed) process; the fourth process failed it without running it.
      expect(await redis.lrange(`${key}:started`, 0, -1)).toEqual(killed.map((pid) => `unlucky:${pid}`));
      expect(new Set(killed).size).toBe(3);
      expect(await redis.lrange(`${key}:done`, 0, -1)).toEqual([]);
    },
  );
});
