/**
 * The outbox end to end with real processes: jobs staged in transactions (this process and
 * enqueuer processes; one job per transaction, and transaction scopes of several) run exactly once
 * in bin/worker when committed and never when rolled back;
 * a kill -9 of the enqueuer right after commit, or of the relay between its BullMQ add and its
 * outbox delete, loses nothing and runs nothing twice; two workers relay each row once, and the
 * lead moves to the survivor when the leader dies.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, transaction } from '../../app/framework/index';
import { RecordRunJob } from '../fixtures/jobs';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';
import { outboxRows, recordedLeader, runsById, spawnEnqueuer } from './outbox-support';
import {
  FAST_TIMINGS,
  FIXTURES,
  processEnv,
  startWorker,
  useBacklot,
  useWorkerScope,
  waitUntil,
  sleep,
} from './support';

const db = testPrisma();
const SWEEP = { OUTBOX_SWEEP_INTERVAL_MS: '300' };

afterAll(() => disconnectTestPrisma());

/** Every id ran exactly once, and nothing else ran. */
function expectEachOnce(runs: Map<string, number>, ids: readonly string[]): void {
  expect([...runs.keys()].sort()).toEqual([...ids].sort());
  expect(
    [...runs.values()].filter((n) => n !== 1),
    'jobs that ran more than once',
  ).toEqual([]);
}

async function stage(
  key: string,
  count: number,
  outcome: 'commit' | 'rollback',
  wait = 0,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    await db
      .$transaction(async (tx) => {
        const job = await RecordRunJob.inTransaction(tx).set({ wait }).performLater(key);
        ids.push(job.jobId);
        if (outcome === 'rollback') throw new Error('rollback');
      })
      .catch((error: unknown) => {
        if (outcome === 'commit') throw error;
      });
  }
  return ids;
}

describe('transactional enqueue through bin/worker', () => {
  const scope = useWorkerScope('outbox');
  useBacklot(scope, [RecordRunJob]);
  let redis: Redis;
  beforeAll(async () => {
    await truncateAll();
    redis = new Redis(scope.url);
  });
  afterAll(() => redis.quit());

  it(
    'runs a job committed by a process killed -9 right after its commit (before any relay ran)',
    { timeout: 60_000 },
    async () => {
      const key = `${scope.prefix}:crashed-enqueuer`;
      const enqueuer = spawnEnqueuer(key, 1, processEnv(scope), true);
      await enqueuer.done;
      enqueuer.child.kill('SIGKILL');
      const [id] = enqueuer.committed();
      expect(await outboxRows()).toEqual([id]);

      const worker = startWorker(['--pool=default:4', '--require', FIXTURES], processEnv(scope, SWEEP));
      await worker.started('default:4');
      await waitUntil('the job ran', async () => (await redis.llen(`${key}:runs`)) >= 1);
      await sleep(1000); // a second sweep would show a second run
      expectEachOnce(await runsById(redis, key), [id ?? '']);
      expect(await outboxRows()).toEqual([]);
    },
  );

  it('runs every committed job exactly once and never a rolled-back one', { timeout: 60_000 }, async () => {
    const key = `${scope.prefix}:commit-rollback`;
    const committed = await stage(key, 20, 'commit');
    const rolledBack = await stage(key, 20, 'rollback');
    await waitUntil('20 jobs ran', async () => (await redis.llen(`${key}:runs`)) >= 20);
    await sleep(1000);
    const runs = await runsById(redis, key);
    expectEachOnce(runs, committed);
    expect(rolledBack.filter((id) => runs.has(id))).toEqual([]);
    expect(await outboxRows()).toEqual([]);
  });

  it(
    'runs every job of a committed transaction scope exactly once and none of a rolled-back one',
    { timeout: 60_000 },
    async () => {
      const key = `${scope.prefix}:scope`;
      const inScopes = async (outcome: 'commit' | 'rollback'): Promise<string[]> => {
        const ids: string[] = [];
        for (let i = 0; i < 10; i += 1) {
          await transaction(db, async () => {
            ids.push((await RecordRunJob.performLater(key)).jobId);
            ids.push((await RecordRunJob.set({ priority: 2 }).performLater(key)).jobId);
            const many = [RecordRunJob.build(key), RecordRunJob.build(key)];
            await Job.performAllLater(many);
            ids.push(...many.map((job) => job.jobId));
            if (outcome === 'rollback') throw new Error('rollback');
          }).catch((error: unknown) => {
            if (outcome === 'commit') throw error;
          });
        }
        return ids;
      };
      const committed = await inScopes('commit');
      const rolledBack = await inScopes('rollback');
      await waitUntil('40 jobs ran', async () => (await redis.llen(`${key}:runs`)) >= 40);
      await sleep(1000);
      const runs = await runsById(redis, key);
      expectEachOnce(runs, committed);
      expect(rolledBack.filter((id) => runs.has(id))).toEqual([]);
      expect(await outboxRows()).toEqual([]);
    },
  );
});

describe('a relay killed -9 between its BullMQ add and its outbox delete', () => {
  const scope = useWorkerScope('outbox-kill');
  useBacklot(scope, [RecordRunJob]);
  let redis: Redis;
  let dir: string;
  beforeAll(async () => {
    await truncateAll();
    redis = new Redis(scope.url);
    dir = mkdtempSync(join(tmpdir(), 'backlot-outbox-'));
  });
  afterAll(async () => {
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'adds nothing twice and loses nothing: the restarted process relays the rows again',
    { timeout: 90_000 },
    async () => {
      const key = `${scope.prefix}:killed-relay`;
      const marker = join(dir, 'killed');
      // 2 s delayed: no job can start in the killed process between its add and its death.
      const ids = await stage(key, 50, 'commit', 2);
      const worker = startWorker(
        ['--pool=default:4', '--require', FIXTURES],
        processEnv(scope, { ...SWEEP, ...FAST_TIMINGS, OUTBOX_TEST_KILL_AFTER_ADD: marker }),
      );
      await worker.proc.waitFor(/restartInMs/, 30_000);
      expect(existsSync(marker), 'the relay was killed after its add').toBe(true);
      expect((await outboxRows()).sort(), 'the rows stayed').toEqual([...ids].sort());
      await waitUntil('50 jobs ran', async () => (await redis.llen(`${key}:runs`)) >= 50, {
        timeoutMs: 60_000,
      });
      await waitUntil('the outbox is empty', async () => (await outboxRows()).length === 0);
      await sleep(1000);
      expectEachOnce(await runsById(redis, key), ids);
      expect(await redis.zcard(`${scope.prefix}:default:completed`)).toBe(50);
    },
  );
});

describe('two workers racing to relay', () => {
  const scope = useWorkerScope('outbox-race');
  useBacklot(scope, [RecordRunJob]);
  let redis: Redis;
  beforeAll(async () => {
    await truncateAll();
    redis = new Redis(scope.url);
  });
  beforeEach(() => redis.del(`${scope.prefix}:race:runs`));
  afterAll(() => redis.quit());

  it(
    'relays each row once under one leader, and the lead moves when the leader dies',
    { timeout: 120_000 },
    async () => {
      const key = `${scope.prefix}:race`;
      const env = processEnv(scope, { ...SWEEP, ...FAST_TIMINGS });
      const first = startWorker(['--pool=default:4', '--require', FIXTURES], env);
      const second = startWorker(['--pool=default:4', '--require', FIXTURES], env);
      await Promise.all([first.started('default:4'), second.started('default:4')]);

      const enqueuers = [1, 2, 3, 4].map(() => spawnEnqueuer(key, 50, processEnv(scope)));
      await Promise.all(enqueuers.map((e) => e.done));
      const before = enqueuers.flatMap((e) => e.committed());
      await waitUntil('200 jobs ran', async () => (await redis.llen(`${key}:runs`)) >= 200, {
        timeoutMs: 60_000,
      });
      await sleep(1000);
      expectEachOnce(await runsById(redis, key), before);
      const leading = [first, second].filter((w) => /Outbox relay leading/.test(w.proc.output()));
      expect(leading, 'exactly one worker led').toHaveLength(1);

      const [leader] = leading;
      const survivor = leader === first ? second : first;
      expect(await recordedLeader(scope.prefix)).toMatch(new RegExp(`:${leader?.childPid()}$`));
      await leader?.kill9();
      const after = await stage(key, 30, 'commit');
      await waitUntil(
        'the survivor leads',
        async () => (await recordedLeader(scope.prefix))?.endsWith(`:${survivor.childPid()}`),
        {
          timeoutMs: 30_000,
        },
      );
      await waitUntil('230 jobs ran', async () => (await redis.llen(`${key}:runs`)) >= 230, {
        timeoutMs: 60_000,
      });
      await sleep(1000);
      expectEachOnce(await runsById(redis, key), [...before, ...after]);
    },
  );
});
