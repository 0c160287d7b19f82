import { resolve } from 'node:path';
import { BullmqAdapter, configureBacklot, type RedisConnection } from '../../app/framework/index';
import { SleepJob } from '../fixtures/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, spawnBin, type BinProcess } from '../support/processes';
import { useRedisPrefix } from '../support/redis';

describe('bin/worker (real processes)', () => {
  const scope = useRedisPrefix('worker-bin');
  const env = { QUEUE_PREFIX: scope.prefix, NODE_ENV: 'test', JOB_ADAPTER: 'bullmq' };
  let redis: RedisConnection;
  let worker: BinProcess;

  beforeAll(async () => {
    redis = scope.connection();
    worker = spawnBin('worker', ['--pool=default:2', '--require', 'test/fixtures/jobs.ts'], env);
    await worker.waitFor(/Worker started for pool default:2/);
  });

  afterAll(async () => {
    if (worker.child.exitCode === null) {
      worker.signal('SIGKILL');
      await worker.exited;
    }
  });

  it('runs a job enqueued with bin/jobs and logs its start and finish', async () => {
    const enqueued = await runBin('jobs', ['enqueue', 'PingJob', '"end to end"', '--json'], env);
    expect(enqueued.code).toBe(0);
    const { id } = JSON.parse(enqueued.stdout) as { id: string };
    await worker.waitFor(new RegExp(`"event":"finish","jobId":"${id}"`));
    expect(worker.output()).toContain('pong: end to end');
    const status = await runBin('jobs', ['status', id, '--json'], env);
    const parsed = JSON.parse(status.stdout) as { state: string; result: { pong: string }; jobClass: string };
    expect(parsed).toMatchObject({ state: 'completed', jobClass: 'PingJob', result: { pong: 'end to end' } });
  });

  it('shows the pool process with its pid, pools and heartbeat in bin/jobs workers', async () => {
    const listed = await runBin('jobs', ['workers', '--json'], env);
    const workers = JSON.parse(listed.stdout) as { pid: number; pools: string[]; lastBeat: string }[];
    expect(workers).toHaveLength(1);
    expect(workers[0]?.pools).toEqual(['default:2']);
    expect(Date.now() - Date.parse(workers[0]?.lastBeat ?? '')).toBeLessThan(15_000);
  });

  it('rejects an unknown queue in --pool with a message naming it', async () => {
    const result = await runBin('worker', ['--pool=nope:2'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      '--pool=nope:2: unknown queue "nope" (configured queues: default, bulk_update)',
    );
  });

  it('refuses a --require that names no file in one line before starting any pool, exit 1', async () => {
    const result = await runBin(
      'worker',
      ['--pool=default:1', '--require', 'test/fixtures/no-such-jobs.ts'],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `--require test/fixtures/no-such-jobs.ts: no such file (${resolve('test/fixtures/no-such-jobs.ts')})\n`,
    );
    expect(result.stdout).not.toContain('Started pool');
  });

  it('fails a job of a class it does not know, saying to register it in jobs/index.ts and restart the workers', async () => {
    const adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    const stray = await adapter.queue('default').add('WorkerTest_GhostJob', {
      jobClass: 'WorkerTest_GhostJob',
      jobId: 'ghost-from-another-deploy',
      queueName: 'default',
      arguments: [],
      executions: 0,
      exceptionExecutions: {},
      enqueuedAt: new Date().toISOString(),
    });
    const hint =
      'unknown job class WorkerTest_GhostJob: register it in jobs/index.ts and restart the workers';
    await worker.waitFor(new RegExp(`"msg":"Error performing job ${stray.id} from default: ${hint}"`));
    const status = await runBin('jobs', ['status', String(stray.id), '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'failed', error: hint });
    await adapter.close();
  });

  it('on SIGTERM lets running jobs finish, then exits 0 and leaves no heartbeat', async () => {
    const key = `${scope.prefix}:sigterm`;
    const adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: [] });
    await SleepJob.performLater(key, 'slow', 1500);
    await adapter.close();
    await worker.waitFor(/Performing Fixture\.SleepJob/);
    worker.signal('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(await redis.lrange(`${key}:done`, 0, -1)).toEqual(['slow']);
    expect(await redis.keys(`${scope.prefix}:workers:*`)).toEqual([]);
  });
});
