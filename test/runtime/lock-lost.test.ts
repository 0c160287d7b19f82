/**
 * Fencing: a worker that loses a running job's lock tells that run to stop. The job's lock is
 * taken away while its first run waits: its lock key deleted, or its private redis-server
 * SIGSTOPped longer than the lock. The worker learns it (lock renewal fails, or its stall check
 * takes the job back), aborts the first run's signal with JobLockLostError, logs it once and
 * reports nothing for that run; the stall check hands the job out again and only the second
 * run's effect remains, counted by job id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { BullmqAdapter, type RedisConnection } from '../../app/framework/index';
import { FencedJob } from '../fixtures/jobs';
import {
  FAST_TIMINGS,
  FIXTURES,
  processEnv,
  sleep,
  startWorker,
  useBacklot,
  useRedisServer,
  useWorkerScope,
  waitUntil,
  type WorkerHandle,
} from './support';

/** The run's effects, lines and outcome once the job completed. */
async function fencedOutcome(
  redis: RedisConnection,
  worker: WorkerHandle,
  key: string,
  prefix: string,
  id: string,
) {
  await waitUntil(
    'the job completed on its second run',
    async () => (await redis.hget(`${prefix}:default:${id}`, 'finishedOn')) !== null,
    { timeoutMs: 30_000 },
  );
  return {
    effects: await redis.lrange(`${key}:effects`, 0, -1),
    aborted: await redis.lrange(`${key}:aborted`, 0, -1),
    returned: await redis.hget(`${prefix}:default:${id}`, 'returnvalue'),
    stopped:
      worker.proc.output().match(new RegExp(`Stopped Fixture.FencedJob \\(Job ID: ${id}\\)`, 'g')) ?? [],
  };
}

describe('a job whose lock is deleted while it runs', () => {
  const scope = useWorkerScope('lock-lost');
  const env = processEnv(scope, FAST_TIMINGS);
  const redis = scope.connection();
  const adapter = useBacklot(scope);
  let worker: WorkerHandle;

  beforeAll(async () => {
    worker = startWorker(['--pool=default:1', '--require', FIXTURES], env);
    await worker.started('default:1');
  });

  it('aborts the first run with JobLockLostError; only the second run has an effect', async () => {
    const key = `${scope.prefix}:deleted`;
    const job = FencedJob.build(key, 60_000);
    await adapter.enqueue(job);
    const id = job.jobId;
    await waitUntil('the first run started', async () => (await redis.llen(`${key}:started`)) === 1);

    expect(await redis.del(`${scope.prefix}:default:${id}:lock`)).toBe(1);

    const outcome = await fencedOutcome(redis, worker, key, scope.prefix, id);
    expect(outcome.effects).toEqual([`${id}:2`]);
    expect(outcome.aborted).toHaveLength(1);
    expect(outcome.aborted[0]).toMatch(new RegExp(`^JobLockLostError: lost the lock on job ${id} \\(`));
    expect(outcome.returned).toBe('2');
    expect(outcome.stopped).toHaveLength(1);
    const output = worker.proc.output();
    expect(output).not.toContain(`could not renew lock for job ${id}`);
    expect(output).not.toMatch(new RegExp(`Error performing Fixture.FencedJob \\(Job ID: ${id}\\)`));
    expect(output.match(new RegExp(`Performed Fixture.FencedJob \\(Job ID: ${id}\\)`, 'g'))).toHaveLength(1);
  });
});

describe('a job whose Redis is paused longer than its lock', () => {
  const server = useRedisServer();
  const scope = useWorkerScope('lock-lost-paused');
  let redis: Redis;
  let worker: WorkerHandle;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = processEnv(scope, { ...FAST_TIMINGS, REDIS_URL: server.url });
    redis = new Redis(server.url);
    worker = startWorker(['--pool=default:1', '--require', FIXTURES], env);
    await worker.started('default:1');
  });
  afterAll(() => redis.quit());

  it('aborts the run that outlived its lock once Redis answers again; only the second run has an effect', async () => {
    const adapter = new BullmqAdapter({ connection: redis, prefix: scope.prefix });
    const key = `${scope.prefix}:paused`;
    const job = FencedJob.build(key, 60_000);
    await adapter.enqueue(job);
    const id = job.jobId;
    await waitUntil('the first run started', async () => (await redis.llen(`${key}:started`)) === 1);

    const pid = Number((await redis.info('server')).match(/process_id:(\d+)/)?.[1]);
    process.kill(pid, 'SIGSTOP');
    try {
      await sleep(4_500); // the lock is 3 s
    } finally {
      process.kill(pid, 'SIGCONT');
    }

    const outcome = await fencedOutcome(redis, worker, key, scope.prefix, id);
    await adapter.close();
    expect(outcome.effects).toEqual([`${id}:2`]);
    expect(outcome.aborted).toHaveLength(1);
    expect(outcome.aborted[0]).toMatch(/^JobLockLostError: /);
    expect(outcome.stopped).toHaveLength(1);
  });
});
