/**
 * Resumable steps across real worker processes: a StepsJob (prepare, 100 items, finish) is
 * interrupted mid-step, by SIGTERM past a short grace period (the job is handed back) and by
 * kill -9 of the pool and its supervisor (the stalled check runs it again). A second worker
 * resumes at the saved cursor: completed steps do not run again, items before the cursor do not
 * run again, at most the one item in flight runs twice, and every item's (idempotent) effect
 * happens exactly once. Progress ends at the last cursor.
 */
import type { RedisConnection } from '../../app/framework/index';
import { describe, expect, it } from 'vitest';
import { StepsJob } from '../fixtures/jobs';
import {
  FIXTURES,
  kill9AndAwait,
  startWorker,
  useRuntimeSpec,
  waitUntil,
  type WorkerHandle,
} from './support';

const ITEMS = 100;
const ITEM_MS = 40;

/** What the job recorded under `key`, checked the same way after either interruption. */
async function expectResumedOnce(
  redis: RedisConnection,
  key: string,
  first: number,
  second: number,
  savedCursor: number,
) {
  const runs = (await redis.lrange(`${key}:runs`, 0, -1)).map(
    (r) => r.split(':').map(Number) as [number, number],
  );
  const byFirst = runs.filter(([, pid]) => pid === first).map(([item]) => item);
  const bySecond = runs.filter(([, pid]) => pid === second).map(([item]) => item);
  // The first worker ran items 0.. in order; the second started at the saved cursor.
  expect(byFirst).toEqual(Array.from({ length: byFirst.length }, (_, i) => i));
  expect(bySecond).toEqual(Array.from({ length: ITEMS - savedCursor }, (_, i) => savedCursor + i));
  // At most the item in flight when the run ended ran twice.
  expect(byFirst.length - savedCursor).toBeLessThanOrEqual(1);
  expect(await redis.lrange(`${key}:resumed-at`, 0, -1)).toEqual([`0:${first}`, `${savedCursor}:${second}`]);
  const effects = await redis.hgetall(`${key}:effects`);
  expect(
    Object.keys(effects)
      .map(Number)
      .sort((a, b) => a - b),
  ).toEqual(Array.from({ length: ITEMS }, (_, i) => i));
  // Completed steps are skipped on the resumed run.
  expect(await redis.lrange(`${key}:prepare`, 0, -1)).toEqual([String(first)]);
  expect(await redis.lrange(`${key}:finish`, 0, -1)).toEqual([String(second)]);
}

describe('resumable steps interrupted mid-step', () => {
  const { scope, fastEnv, envWith, redis, adapter } = useRuntimeSpec('steps');
  const queue = () => adapter.queue('default');

  async function startAndInterruptAfter(key: string, worker: WorkerHandle, runs: number) {
    await worker.started('default:2');
    const job = await StepsJob.performLater(key, ITEMS, ITEM_MS);
    await waitUntil(`${runs} items ran`, async () => (await redis.llen(`${key}:runs`)) >= runs, {
      timeoutMs: 30_000,
    });
    return job;
  }

  async function savedCursor(jobId: string): Promise<number> {
    const stored = await queue().getJob(jobId);
    const continuation = (
      stored?.data as { continuation?: { completed: string[]; current?: { cursor: number } } }
    ).continuation;
    expect(continuation?.completed).toEqual(['prepare']);
    return continuation?.current?.cursor ?? -1;
  }

  async function finishOn(second: WorkerHandle, jobId: string) {
    await second.started('default:2');
    await waitUntil(
      'the resumed job completed',
      async () => (await queue().getJobState(jobId)) === 'completed',
      {
        timeoutMs: 60_000,
      },
    );
    const done = await queue().getJob(jobId);
    expect(done?.progress).toEqual({ step: 'items', cursor: ITEMS });
    expect((done?.data as { continuation?: unknown }).continuation).toEqual({
      completed: ['prepare', 'items', 'finish'],
    });
  }

  it(
    'after SIGTERM (handed back past the grace period) resumes at the saved cursor',
    { timeout: 120_000 },
    async () => {
      const env = envWith({ WORKER_SHUTDOWN_GRACE_MS: '100' });
      const key = `${scope.prefix}:sigterm`;
      const first = startWorker(['--pool=default:2', '--require', FIXTURES], env);
      const job = await startAndInterruptAfter(key, first, 30);

      first.proc.signal('SIGTERM');
      expect(await first.proc.exited).toEqual({ code: 0, signal: null });
      expect(await queue().getJobState(job.jobId)).toBe('waiting');
      // The abandoned run saves nothing more once aborted: the cursor read now is the one resumed.
      await new Promise((resolve) => setTimeout(resolve, ITEM_MS * 3));
      const cursor = await savedCursor(job.jobId);
      expect(cursor).toBeGreaterThanOrEqual(30);
      expect(cursor).toBeLessThan(ITEMS);

      const second = startWorker(['--pool=default:2', '--require', FIXTURES], env);
      await finishOn(second, job.jobId);
      await expectResumedOnce(redis, key, first.childPid(), second.childPid(), cursor);
      await second.kill9(); // so that no worker of this test takes the next test's job
    },
  );

  it(
    'after kill -9 (rerun by the stalled check) resumes at the saved cursor',
    { timeout: 120_000 },
    async () => {
      const env = fastEnv;
      const key = `${scope.prefix}:kill9`;
      const first = startWorker(['--pool=default:2', '--require', FIXTURES], env);
      const job = await startAndInterruptAfter(key, first, 30);

      const pids = [first.childPid(), first.pid];
      await kill9AndAwait(pids, 'the pool and its supervisor are gone');
      const cursor = await savedCursor(job.jobId);
      expect(cursor).toBeGreaterThanOrEqual(30);

      const second = startWorker(['--pool=default:2', '--require', FIXTURES], env);
      await finishOn(second, job.jobId);
      await expectResumedOnce(redis, key, first.childPid(), second.childPid(), cursor);
    },
  );
});
