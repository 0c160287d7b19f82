/**
 * Redis away does not lose a committed job: against a private redis-server, bin/worker runs, Redis
 * is stopped for 30 s while five enqueuer processes commit 500 transactions (one job each), the
 * relay keeps the rows and retries with backoff, and once Redis is back every one of the 500 jobs
 * runs exactly once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { truncateAll } from '../support/database';
import { outboxRows, runsById, spawnEnqueuer } from './outbox-support';
import {
  FAST_TIMINGS,
  FIXTURES,
  processEnv,
  sleep,
  startWorker,
  useRedisServer,
  useWorkerScope,
  waitUntil,
} from './support';

describe('the outbox while Redis is away', () => {
  const server = useRedisServer(); // registered first, so shut down after the workers are killed
  const scope = useWorkerScope('outbox-outage');
  let redis: Redis;

  beforeAll(async () => {
    await truncateAll();
    redis = new Redis(server.url, { maxRetriesPerRequest: 3 }).on('error', () => undefined);
  });
  afterAll(() => redis.disconnect());

  it(
    'keeps 500 transactions committed during a 30 s outage and runs each job once when Redis returns',
    { timeout: 180_000 },
    async () => {
      const key = `${scope.prefix}:outage`;
      const env = processEnv(scope, {
        ...FAST_TIMINGS,
        REDIS_URL: server.url,
        OUTBOX_SWEEP_INTERVAL_MS: '300',
      });
      const worker = startWorker(['--pool=default:8', '--require', FIXTURES], env);
      await worker.started('default:8');
      await worker.proc.waitFor(/Outbox relay leading/);

      await server.shutdown();
      const stoppedAt = Date.now();
      const enqueuers = [1, 2, 3, 4, 5].map(() => spawnEnqueuer(key, 100, env));
      await Promise.all(enqueuers.map((e) => e.done));
      const ids = enqueuers.flatMap((e) => e.committed());
      expect(ids).toHaveLength(500);
      expect(await outboxRows(), 'every committed job waits in the outbox').toHaveLength(500);

      await worker.proc.waitFor(/Outbox relay failed .*the rows stay, retrying in/, 30_000);
      await sleep(Math.max(0, stoppedAt + 30_000 - Date.now()));
      expect(await outboxRows(), 'nothing left the outbox while Redis was away').toHaveLength(500);
      await server.start();

      await waitUntil('500 jobs ran', async () => (await redis.llen(`${key}:runs`)) >= 500, {
        timeoutMs: 90_000,
        intervalMs: 250,
      });
      await waitUntil('the outbox is empty', async () => (await outboxRows()).length === 0);
      await sleep(1000);
      const runs = await runsById(redis, key);
      expect([...runs.keys()].sort()).toEqual([...ids].sort());
      expect(
        [...runs.values()].filter((n) => n !== 1),
        'jobs that ran more than once',
      ).toEqual([]);
    },
  );
});
