/**
 * Graceful shutdown of bin/worker (SIGTERM to the supervisor, forwarded to each pool):
 * - a job that finishes within the grace period completes;
 * - a job still running when the grace period ends (one that ignores its abort signal) is handed
 *   back: it goes back to waiting, not failed, and another worker started afterwards completes it;
 * - the supervisor exits 0 once its pools stopped;
 * - a second signal makes the supervisor kill its pools and exit 1 at once, without waiting for
 *   the grace period.
 * On one Redis, a Sentinel group and a Redis Cluster (describeEachTopology).
 */
import { expect, it } from 'vitest';
import { SleepJob } from '../fixtures/jobs';
import { describeEachTopology } from '../support/redis-target';
import { FIXTURES, isAlive, processEnv, startWorker, useBacklot, useWorkerScope, waitUntil } from './support';

describeEachTopology('bin/worker shutdown', (target) => {
  const scope = useWorkerScope('shutdown', target);
  const redis = scope.connection();
  const adapter = useBacklot(scope);

  const startedMarkers = async (key: string) =>
    (await redis.lrange(`${key}:started`, 0, -1)).map((s) => s.split(':')[0]);

  it(
    'on SIGTERM completes a job that ends within the grace period and hands back one that does not',
    { timeout: 90_000 },
    async () => {
      const env = processEnv(scope, { WORKER_SHUTDOWN_GRACE_MS: '2000' });
      const queue = adapter.queue('default');
      const key = `${scope.prefix}:grace`;
      const worker = startWorker(['--pool=default:2', '--require', FIXTURES], env);
      await worker.started('default:2');

      const quick = await SleepJob.performLater(key, 'quick', 500);
      const stubborn = await SleepJob.performLater(key, 'stubborn', 4_000, true);
      await waitUntil('both jobs started', async () => (await startedMarkers(key)).length === 2);

      worker.proc.signal('SIGTERM');
      expect(await worker.proc.exited).toEqual({ code: 0, signal: null });
      await worker.proc.waitFor(/Grace period over: handing running jobs back to the queue/);

      expect(await queue.getJobState(quick.jobId)).toBe('completed');
      expect(await queue.getJobState(stubborn.jobId)).toBe('waiting');
      const handedBack = await queue.getJob(stubborn.jobId);
      expect(handedBack?.failedReason ?? '').toBe('');
      expect(handedBack?.attemptsMade).toBe(0); // the interrupted run does not spend an attempt
      expect(await redis.lrange(`${key}:done`, 0, -1)).toEqual(['quick']);

      const next = startWorker(['--pool=default:2', '--require', FIXTURES], env);
      await next.started('default:2');
      await waitUntil(
        'the handed-back job completed',
        async () => (await queue.getJobState(stubborn.jobId)) === 'completed',
        {
          timeoutMs: 30_000,
        },
      );
      const started = await redis.lrange(`${key}:started`, 0, -1);
      expect(started.filter((s) => s.startsWith('stubborn:'))).toEqual([
        `stubborn:${worker.childPid()}`,
        `stubborn:${next.childPid()}`,
      ]);
      expect(await redis.lrange(`${key}:done`, 0, -1)).toEqual(['quick', 'stubborn']);
      await next.kill9();
    },
  );

  for (const second of ['SIGTERM', 'SIGINT'] as const) {
    it(
      `on a second signal (SIGTERM, then ${second}) kills its pools and exits 1 without waiting for the grace period`,
      { timeout: 60_000 },
      async () => {
        // A grace period far longer than this test's bounded wait: only the second signal can end it in time.
        const env = processEnv(scope, { WORKER_SHUTDOWN_GRACE_MS: '600000' });
        const key = `${scope.prefix}:second-${second}`;
        const worker = startWorker(['--pool=default:1', '--require', FIXTURES], env);
        await worker.started('default:1');
        await SleepJob.performLater(key, 'long', 600_000, true);
        await waitUntil('the job started', async () => (await startedMarkers(key)).length === 1);
        const child = worker.childPid();

        worker.proc.signal('SIGTERM');
        await worker.proc.waitFor(/waiting up to 600000 ms for 1 running job/);
        expect(isAlive(worker.pid)).toBe(true);
        worker.proc.signal(second);

        const exit = await Promise.race([
          worker.proc.exited,
          new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
        ]);
        expect(exit).toEqual({ code: 1, signal: null });
        expect(worker.proc.output()).toContain('Second signal: killing every pool now');
        await waitUntil(`pool process ${child} is gone`, () => !isAlive(child), { timeoutMs: 10_000 });
        await adapter.queue('default').obliterate({ force: true }); // the killed job would stall into the next test
      },
    );
  }
});
