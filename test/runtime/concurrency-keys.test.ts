/**
 * Concurrency keys (limitsConcurrency) across two real worker processes on one queue:
 * - jobs with one key never run more than `to` at once, whichever process runs them, while jobs
 *   of other keys run beside them; the waiting ones are parked (delayed), not failed, not polling;
 * - a key with many waiting jobs does not hold back a key with one;
 * - onConflict 'discard' drops the jobs that find the key taken;
 * - a holder killed with kill -9 does not keep its key: the waiter runs long before the dead run
 *   would have ended, and never beside the holder's rerun.
 */
import { describe, expect, it } from 'vitest';
import { Job, type RedisConnection } from '../../app/framework/index';
import { LimitedJob, OnlyOneJob, SingleLimitedJob } from '../fixtures/jobs';
import {
  FIXTURES,
  kill9AndAwait,
  startWorker,
  useRuntimeSpec,
  waitUntil,
  type WorkerHandle,
} from './support';

interface Interval {
  group: string;
  marker: string;
  start: number;
  end: number;
  pid: number;
}

async function intervals(redis: RedisConnection, key: string): Promise<Interval[]> {
  return (await redis.lrange(`${key}:intervals`, 0, -1)).map((line) => JSON.parse(line) as Interval);
}

/** The most intervals of the list running at one instant. */
function mostAtOnce(list: readonly Pick<Interval, 'start' | 'end'>[]): number {
  const edges = list.flatMap((i) => [
    [i.start, 1],
    [i.end, -1],
  ]);
  edges.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0)); // an end before a start at one ms
  let now = 0;
  let most = 0;
  for (const [, delta] of edges) most = Math.max(most, (now += delta ?? 0));
  return most;
}

describe('concurrency keys across worker processes', () => {
  const { scope, env, fastEnv, redis, adapter } = useRuntimeSpec('concurrency-keys');
  const queue = () => adapter.queue('default');
  const workers: WorkerHandle[] = [];

  async function twoWorkers(env: Record<string, string>) {
    const started = [0, 1].map(() => startWorker(['--pool=default:6', '--require', FIXTURES], env));
    for (const w of started) await w.started('default:6');
    workers.push(...started);
    return started;
  }

  async function stopWorkers() {
    for (const w of workers.splice(0)) await w.kill9();
  }

  async function allCompleted(ids: string[], timeoutMs = 60_000) {
    await waitUntil(
      `${ids.length} jobs completed`,
      async () =>
        (await Promise.all(ids.map((id) => queue().getJobState(id)))).every((s) => s === 'completed'),
      { timeoutMs, intervalMs: 200 },
    );
  }

  it(
    'runs at most `to` jobs of a key at once, across processes, and other keys beside them',
    { timeout: 120_000 },
    async () => {
      const pair = await twoWorkers(env);
      const key = `${scope.prefix}:limits`;
      const jobs = ['a', 'b', 'c'].flatMap((group) =>
        Array.from({ length: 6 }, (_, i) => LimitedJob.build(key, group, `${group}${i}`, 300)),
      );
      await Job.performAllLater(jobs);
      await allCompleted(jobs.map((j) => j.jobId));

      const ran = await intervals(redis, key);
      expect(ran).toHaveLength(18);
      for (const group of ['a', 'b', 'c']) {
        const ofGroup = ran.filter((i) => i.group === group);
        expect(ofGroup).toHaveLength(6);
        expect(mostAtOnce(ofGroup)).toBe(2);
      }
      expect(mostAtOnce(ran)).toBeGreaterThan(2); // keys do not wait for one another
      expect(new Set(ran.map((i) => i.pid))).toEqual(new Set(pair.map((w) => w.childPid())));
      // Parking spends no attempt: each job made one, the run that completed it.
      for (const job of jobs) expect((await queue().getJob(job.jobId))?.attemptsMade).toBe(1);
      await stopWorkers();
    },
  );

  it('does not let a key with many waiting jobs hold back a key with one', { timeout: 120_000 }, async () => {
    await twoWorkers(env);
    const key = `${scope.prefix}:fair`;
    const hot = Array.from({ length: 30 }, (_, i) => LimitedJob.build(key, 'hot', `hot${i}`, 100));
    const cold = LimitedJob.build(key, 'cold', 'cold', 100);
    await Job.performAllLater(hot);
    await Job.performAllLater([cold]);
    await allCompleted([...hot, cold].map((j) => j.jobId));

    const ran = await intervals(redis, key);
    const coldRun = ran.find((i) => i.group === 'cold');
    const hotStarts = ran.filter((i) => i.group === 'hot').map((i) => i.start);
    // The hot key runs 2 at a time over 15 rounds; the cold job ran within its first rounds.
    expect(hotStarts.filter((start) => start > (coldRun?.start ?? Infinity)).length).toBeGreaterThan(20);
    expect(mostAtOnce(ran.filter((i) => i.group === 'hot'))).toBe(2);
    await stopWorkers();
  });

  it("with onConflict 'discard' drops the jobs that find the key taken", { timeout: 60_000 }, async () => {
    await twoWorkers(env);
    const key = `${scope.prefix}:discard`;
    const first = await OnlyOneJob.performLater(key, 'g', 'first', 5_000);
    // Inside perform, so it holds the key's one slot while the next two are taken.
    await waitUntil('the first job runs', async () => (await redis.llen(`${key}:started`)) === 1);
    const second = await OnlyOneJob.performLater(key, 'g', 'second', 10);
    const other = await OnlyOneJob.performLater(key, 'h', 'other', 10);
    await allCompleted([first.jobId, second.jobId, other.jobId]);
    expect((await queue().getJob(second.jobId))?.returnvalue).toEqual({
      discarded: 'concurrency limit of g reached',
    });
    expect((await redis.lrange(key, 0, -1)).sort()).toEqual(['first', 'other']);
    await stopWorkers();
  });

  it('does not let a holder killed with kill -9 keep its key', { timeout: 120_000 }, async () => {
    const [doomed] = await twoWorkers(fastEnv);
    const key = `${scope.prefix}:killed`;
    const holder = await SingleLimitedJob.set({}).performLater(key, 'k', 'holder', 60_000, 100);
    await waitUntil('the holder runs', async () => (await redis.llen(`${key}:starts`)) === 1);
    const [first] = await redis.lrange(`${key}:starts`, 0, -1);
    const holderPid = (JSON.parse(first ?? '{}') as { pid: number }).pid;
    const waiter = await SingleLimitedJob.performLater(key, 'k', 'waiter', 100);
    await waitUntil(
      'the waiter is parked',
      async () => (await queue().getJobState(waiter.jobId)) === 'delayed',
    );

    const victim = workers.find((w) => w.childPids().includes(holderPid)) ?? doomed;
    const pids = [holderPid, victim?.pid ?? 0];
    const killedAt = Date.now();
    await kill9AndAwait(pids, 'the holder process is gone');

    await allCompleted([holder.jobId, waiter.jobId]);
    const starts = (await redis.lrange(`${key}:starts`, 0, -1)).map(
      (line) => JSON.parse(line) as { marker: string; start: number },
    );
    const waiterStart = starts.find((s) => s.marker === 'waiter')?.start ?? Infinity;
    // The dead run would have held the key for 60 s; the waiter got it long before (by the slot's
    // 3 s expiry or the holder's rerun releasing it, whichever came first: the semaphore spec
    // proves the expiry on its own).
    expect(waiterStart).toBeGreaterThan(killedAt);
    expect(waiterStart - killedAt).toBeLessThan(30_000);
    // The survivors never overlapped: the holder's rerun and the waiter ran one at a time.
    expect(mostAtOnce(await intervals(redis, key))).toBe(1);
    await stopWorkers();
  });
});
