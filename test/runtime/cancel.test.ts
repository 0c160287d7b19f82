/**
 * `bin/jobs cancel ID` wherever the job is:
 * - delayed (or waiting): removed from its queue;
 * - running in a worker process: the worker aborts perform's signal, the job ends failed with a
 *   reason starting "canceled" and is not retried, even by a class that retries every error;
 * - finished: "already finished", exit 1;
 * - unknown: "no such job", exit 1.
 * On one Redis, a Sentinel group and a Redis Cluster: the cancel channel crosses processes on each.
 */
import { beforeAll, expect, it } from 'vitest';
import { RetriedSleepJob, SleepJob } from '../fixtures/jobs';
import { runBin } from '../support/processes';
import { describeEachTopology } from '../support/redis-target';
import { FIXTURES, processEnv, startWorker, useBacklot, useWorkerScope, waitUntil } from './support';

describeEachTopology('bin/jobs cancel', (target) => {
  const scope = useWorkerScope('cancel', target);
  const env = processEnv(scope);
  const redis = scope.connection();
  const adapter = useBacklot(scope);

  beforeAll(async () => {
    const worker = startWorker(['--pool=default:2', '--require', FIXTURES], env);
    await worker.started('default:2');
  });

  const cancel = (id: string, json = true) =>
    runBin('jobs', ['cancel', id, ...(json ? ['--json'] : [])], env);

  it('removes a delayed job from its queue', async () => {
    const job = await SleepJob.set({ wait: 3600 }).performLater(`${scope.prefix}:delayed`, 'later', 10);
    expect(await adapter.queue('default').getJobState(job.jobId)).toBe('delayed');

    const result = await cancel(job.jobId);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ id: job.jobId, result: 'removed' });
    expect(await adapter.queue('default').getJob(job.jobId)).toBeUndefined();
  });

  it('aborts a running job in its worker process: failed "canceled…", not retried', async () => {
    const key = `${scope.prefix}:running`;
    const job = await RetriedSleepJob.performLater(key, 'running', 60_000);
    await waitUntil('the job is running', async () => (await redis.llen(`${key}:started`)) === 1);

    const result = await cancel(job.jobId, false);
    expect(result).toMatchObject({
      code: 0,
      stdout: `Job ${job.jobId} is running: its worker was told to abort it\n`,
    });

    const queue = adapter.queue('default');
    await waitUntil('the job failed', async () => (await queue.getJobState(job.jobId)) === 'failed', {
      timeoutMs: 20_000,
    });
    const failed = await queue.getJob(job.jobId);
    expect(failed?.failedReason).toMatch(/^canceled/);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.opts.attempts).toBe(5); // retries were allowed, and none was used
    expect(await redis.lrange(`${key}:started`, 0, -1)).toHaveLength(1);
    expect(await redis.lrange(`${key}:done`, 0, -1)).toEqual([]);

    const status = await runBin('jobs', ['status', job.jobId, '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'canceled', attempts: 1 });
  });

  it('says a completed job already finished, exit 1', async () => {
    const key = `${scope.prefix}:finished`;
    const job = await SleepJob.performLater(key, 'quick', 10);
    await waitUntil(
      'the job completed',
      async () => (await adapter.queue('default').getJobState(job.jobId)) === 'completed',
    );

    const result = await cancel(job.jobId, false);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`Job ${job.jobId} already finished\n`);
    expect(await adapter.queue('default').getJobState(job.jobId)).toBe('completed');
  });

  it('says there is no such job for an unknown id, exit 1', async () => {
    const result = await cancel('no-such-id', false);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('no such job: no-such-id\n');
  });
});
