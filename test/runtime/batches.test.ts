/**
 * Batches across two real worker processes (one job at a time each) on real Redis:
 * - the last two jobs of each batch finish at the same instant, one on each process (a barrier
 *   holds both until both run): each callback job is enqueued and runs exactly once, by its
 *   deterministic id;
 * - a job of the batch adds jobs to it from inside (this.batch.add): the callbacks wait for them;
 *   a job that fails once and succeeds on its retry counts as succeeded, not failed;
 * - a discarded job triggers onDiscard (and onComplete, not onSuccess), a failed one counts failed;
 * - progress (pending, succeeded, failed, discarded) reads back through Batch.status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Batch,
  batchKeyPattern,
  callbackJobId,
  type BatchCallbackName,
  type RedisConnection,
} from '../../app/framework/index';
import { BatchCallbackJob, BatchMemberJob, OnlyOneJob } from '../fixtures/jobs';
import { FIXTURES, processEnv, startWorker, useRuntimeSpec, waitUntil, type WorkerHandle } from './support';

/** Callback runs recorded under `key`, as [name, jobId, pid]. */
async function callbackRuns(redis: RedisConnection, key: string): Promise<[string, string, number][]> {
  return (await redis.lrange(`${key}:callbacks`, 0, -1)).map((line) => {
    const [name = '', jobId = '', pid = '0'] = line.split(':');
    return [name, jobId, Number(pid)];
  });
}

function callbacksOf(key: string, names: BatchCallbackName[]) {
  return Object.fromEntries(names.map((name) => [name, BatchCallbackJob.build(key, name)]));
}

describe('batches across worker processes', () => {
  const { scope, redis } = useRuntimeSpec('batches');
  const workers: WorkerHandle[] = [];

  afterAll(async () => {
    for (const w of workers.splice(0)) await w.kill9();
    const keys = await redis.keys(batchKeyPattern(scope.prefix));
    if (keys.length > 0) await redis.unlink(...keys);
  });

  // Two pools of one slot each, for every test: two jobs running at once run on both processes.
  beforeAll(async () => {
    const env = processEnv(scope);
    const pair = [0, 1].map(() => startWorker(['--pool=default:1', '--require', FIXTURES], env));
    for (const w of pair) await w.started('default:1');
    workers.push(...pair);
  }, 60_000);

  it(
    'enqueues each callback exactly once when the last two jobs finish at one instant on two processes',
    { timeout: 180_000 },
    async () => {
      const pair = workers;
      const key = `${scope.prefix}:race`;
      const batches: Batch[] = [];
      for (let round = 0; round < 15; round += 1) {
        const batch = Batch.create({
          description: `race ${round}`,
          ...callbacksOf(key, ['onSuccess', 'onComplete']),
        });
        await batch.add([0, 1].map((i) => BatchMemberJob.build(key, `r${round}.${i}`, 'barrier', 2)));
        await waitUntil(
          `batch ${round}'s callbacks ran`,
          async () => (await callbackRuns(redis, key)).length >= 2 * (round + 1),
          { timeoutMs: 30_000, intervalMs: 20 },
        );
        batches.push(batch);
      }
      // Give a duplicate the time to show up, were there one.
      await new Promise((resolve) => setTimeout(resolve, 1500));

      const runs = await callbackRuns(redis, key);
      const ids = runs.map(([, id]) => id).sort();
      const expected = batches
        .flatMap((b) => [callbackJobId(b.id, 'onSuccess'), callbackJobId(b.id, 'onComplete')])
        .sort();
      expect(ids).toEqual(expected); // each id once: no callback ran twice, none is missing
      // Each batch's two jobs ran at once on the two processes (the barrier holds both).
      const memberRuns = (await redis.lrange(`${key}:runs`, 0, -1)).map((line) => line.split(':'));
      const pids = new Set(pair.map((w) => w.childPid()));
      for (let round = 0; round < 15; round += 1) {
        const ofRound = memberRuns.filter(([marker]) => marker?.startsWith(`r${round}.`));
        expect(ofRound).toHaveLength(2);
        expect(new Set(ofRound.map(([, pid]) => Number(pid)))).toEqual(pids);
      }
      for (const batch of batches) {
        expect(await Batch.status(batch.id)).toMatchObject({
          total: 2,
          pending: 0,
          succeeded: 2,
          failed: 0,
          discarded: 0,
          callbacks: { onSuccess: 'enqueued', onComplete: 'enqueued' },
        });
      }
    },
  );

  it(
    'waits for jobs added from inside a batch job; a retried job counts once, as succeeded',
    { timeout: 120_000 },
    async () => {
      const key = `${scope.prefix}:spawn`;
      const batch = Batch.create({
        description: 'spawning',
        onSuccess: BatchCallbackJob.build(key, 'onSuccess'),
        onComplete: BatchCallbackJob.build(key, 'onComplete'),
        onDiscard: BatchCallbackJob.build(key, 'onDiscard'),
      });
      await batch.add([
        BatchMemberJob.build(key, 'parent', 'spawn', 3),
        BatchMemberJob.build(key, 'flaky', 'retry-once'),
      ]);
      await waitUntil(
        'onSuccess and onComplete ran',
        async () => (await callbackRuns(redis, key)).length >= 2,
        {
          timeoutMs: 60_000,
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));

      const runs = (await redis.lrange(`${key}:runs`, 0, -1)).map((line) => line.split(':')[0]);
      // Every job ran before the callbacks; the flaky one twice (its retry), the others once.
      expect([...runs].sort()).toEqual(['flaky', 'flaky', 'parent', 'parent.0', 'parent.1', 'parent.2']);
      expect((await callbackRuns(redis, key)).map(([name, id]) => [name, id]).sort()).toEqual([
        ['onComplete', callbackJobId(batch.id, 'onComplete')],
        ['onSuccess', callbackJobId(batch.id, 'onSuccess')],
      ]);
      expect(await Batch.status(batch.id)).toMatchObject({
        description: 'spawning',
        total: 5,
        pending: 0,
        succeeded: 5,
        failed: 0,
        discarded: 0,
        callbacks: { onSuccess: 'enqueued', onComplete: 'enqueued', onDiscard: 'waiting' },
      });
    },
  );

  it(
    'runs onDiscard when a job is discarded, onComplete at the end, never onSuccess',
    { timeout: 120_000 },
    async () => {
      const key = `${scope.prefix}:discard`;
      const batch = Batch.create({
        onSuccess: BatchCallbackJob.build(key, 'onSuccess'),
        onComplete: BatchCallbackJob.build(key, 'onComplete'),
        onDiscard: BatchCallbackJob.build(key, 'onDiscard'),
      });
      await batch.add([
        BatchMemberJob.build(key, 'ok', 'ok'),
        BatchMemberJob.build(key, 'discarded', 'discard'),
        BatchMemberJob.build(key, 'failed', 'fail'),
      ]);
      await waitUntil(
        'onDiscard and onComplete ran',
        async () => (await callbackRuns(redis, key)).length >= 2,
        {
          timeoutMs: 60_000,
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));

      expect((await callbackRuns(redis, key)).map(([name, id]) => [name, id]).sort()).toEqual([
        ['onComplete', callbackJobId(batch.id, 'onComplete')],
        ['onDiscard', callbackJobId(batch.id, 'onDiscard')],
      ]);
      const status = await Batch.status(batch.id);
      expect(status).toMatchObject({
        total: 3,
        pending: 0,
        succeeded: 1,
        failed: 1,
        discarded: 1,
        callbacks: { onSuccess: 'waiting', onComplete: 'enqueued', onDiscard: 'enqueued' },
      });
      expect(status.finishedAt).toBeDefined();
      // The batch is finished: adding from outside fails, naming the batch.
      await expect(batch.add([BatchMemberJob.build(key, 'late', 'ok')])).rejects.toThrow(
        `batch ${batch.id} finished already`,
      );
    },
  );
  it("counts a job dropped by onConflict 'discard' as discarded", { timeout: 120_000 }, async () => {
    const key = `${scope.prefix}:conflict`;
    const batch = Batch.create({
      onComplete: BatchCallbackJob.build(key, 'onComplete'),
      onDiscard: BatchCallbackJob.build(key, 'onDiscard'),
    });
    // Two jobs of one key, one slot: the two workers take both at once and one is dropped.
    await batch.add([OnlyOneJob.build(key, 'g', 'first', 1500), OnlyOneJob.build(key, 'g', 'second', 1500)]);
    await waitUntil(
      'onDiscard and onComplete ran',
      async () => (await callbackRuns(redis, key)).length >= 2,
      {
        timeoutMs: 60_000,
      },
    );
    expect(await redis.llen(key)).toBe(1); // one of the two ran
    expect(await Batch.status(batch.id)).toMatchObject({ total: 2, pending: 0, succeeded: 1, discarded: 1 });
    expect((await callbackRuns(redis, key)).map(([name]) => name).sort()).toEqual([
      'onComplete',
      'onDiscard',
    ]);
  });
});
