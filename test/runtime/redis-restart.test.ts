/**
 * A Redis restart does not need a worker restart: against a private redis-server (appendonly, so
 * it reloads its data), a worker runs jobs, Redis is shut down with jobs still queued and started
 * again on the same port, more jobs are enqueued, and the same pool process reconnects and
 * completes every job enqueued before the restart and after it.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqAdapter, configureBacklot, Job } from '../../app/framework/index';
import { QUEUE_NAMES } from '../../config/queues';
import { SleepJob } from '../fixtures/jobs';
import { runBin } from '../support/processes';
import {
  FAST_TIMINGS,
  FIXTURES,
  processEnv,
  startWorker,
  useRedisServer,
  useWorkerScope,
  waitUntil,
} from './support';

describe('bin/worker across a Redis restart', () => {
  const server = useRedisServer(); // registered first, so shut down after the workers are killed
  const scope = useWorkerScope('redis-restart');
  let redis: Redis;
  let adapter: BullmqAdapter;

  beforeAll(() => {
    // This process's own connections ride out the restart too; their connection errors are expected.
    const connect = () => new Redis(server.url, { maxRetriesPerRequest: 3 }).on('error', () => undefined);
    redis = connect();
    adapter = new BullmqAdapter({ connection: connect(), ownsConnection: true, prefix: scope.prefix });
    adapter.queue('default').on('error', () => undefined);
    configureBacklot({ adapter, queues: QUEUE_NAMES });
  });

  afterAll(async () => {
    await adapter.close();
    redis.disconnect();
  });

  it(
    'reconnects without a process restart and completes every job from before and after',
    { timeout: 120_000 },
    async () => {
      const env = processEnv(scope, { ...FAST_TIMINGS, REDIS_URL: server.url });
      const key = `${scope.prefix}:restart`;
      const queue = adapter.queue('default');
      const worker = startWorker(['--pool=default:2', '--require', FIXTURES], env);
      await worker.started('default:2');
      const poolPid = worker.childPid();

      // 20 jobs of 300 ms on 2 slots: about 3 s of work, so most are still queued at the restart.
      const before = Array.from({ length: 20 }, (_, i) => SleepJob.build(key, `before-${i}`, 300));
      await Job.performAllLater(before);
      await waitUntil('a few jobs completed', async () => (await redis.llen(`${key}:done`)) >= 2);

      await server.shutdown();
      await worker.proc.waitFor(/Redis connection worker lost/); // the pool noticed Redis is gone
      await server.start();

      const kept = await redis.zcard(`${scope.prefix}:default:completed`);
      expect(kept, 'jobs completed before the restart are still in Redis').toBeGreaterThanOrEqual(2);
      const after = Array.from({ length: 10 }, (_, i) => SleepJob.build(key, `after-${i}`, 100));
      await Job.performAllLater(after);

      const ids = [...before, ...after].map((j) => j.jobId);
      const states = await waitUntil(
        'every job enqueued before and after the restart completed',
        async () => {
          const all = await Promise.all(ids.map(async (id) => [id, await queue.getJobState(id)] as const));
          return all.every(([, state]) => state === 'completed') ? all : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      expect(states).toHaveLength(30);

      const done = await redis.lrange(`${key}:done`, 0, -1);
      for (const marker of [...before, ...after].map((j) => String(j.arguments[1])))
        expect(done).toContain(marker);
      // The same processes did it: no crash, no restart of the pool.
      expect(worker.childPids()).toEqual([poolPid]);
      expect(worker.proc.output()).not.toMatch(/crashed/);
      const ranOn = new Set(
        (await redis.lrange(`${key}:started`, 0, -1)).map((s) => Number(s.split(':').pop())),
      );
      expect([...ranOn]).toEqual([poolPid]);
    },
  );

  it('still hears cancel requests after the restart (the cancel channel is subscribed again)', async () => {
    const env = processEnv(scope, { REDIS_URL: server.url });
    const key = `${scope.prefix}:cancel-after-restart`;
    const job = await SleepJob.performLater(key, 'long', 60_000);
    await waitUntil('the job is running', async () => (await redis.llen(`${key}:started`)) === 1);

    const result = await runBin('jobs', ['cancel', job.jobId, '--json'], env);
    expect(JSON.parse(result.stdout)).toEqual({ id: job.jobId, result: 'signalled' });
    const queue = adapter.queue('default');
    await waitUntil('the job failed', async () => (await queue.getJobState(job.jobId)) === 'failed', {
      timeoutMs: 20_000,
    });
    expect((await queue.getJob(job.jobId))?.failedReason).toMatch(/^canceled/);
  });
});
