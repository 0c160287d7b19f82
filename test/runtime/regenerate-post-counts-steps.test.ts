/**
 * RegeneratePostCountsJob's resumable steps across real worker processes on real PostgreSQL and
 * Redis: 400 posts with a wrong fav_count, repaired one post id per range, interrupted mid-step by
 * SIGTERM past a short grace period (the job is handed back) and by kill -9 of the pool and its
 * supervisor (the stalled check runs it again). A second worker resumes at the saved cursor: the
 * finished 'tags' step is not run again, ranges before the cursor are not run again, at most the
 * one range in flight runs twice, every range runs, and every post ends right.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RegeneratePostCountsJob } from '../../jobs/regenerate-post-counts.job';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';
import {
  FAST_TIMINGS,
  kill9AndAwait,
  startWorker,
  useRuntimeSpec,
  waitUntil,
  type WorkerHandle,
} from './support';

const POSTS = 400;

/** The ranges a worker's debug lines say it repaired, in order. */
function rangesOf(worker: WorkerHandle): number[] {
  return worker.proc
    .output()
    .split('\n')
    .filter((line) => line.includes('"post_counts_range"'))
    .map((line) => (JSON.parse(line) as { from: number }).from);
}

describe('RegeneratePostCountsJob interrupted mid-step', () => {
  const { envWith, adapter } = useRuntimeSpec('post-count-steps', { jobs: [RegeneratePostCountsJob] });
  const queue = () => adapter.queue('default');
  const db = testPrisma();
  afterAll(() => disconnectTestPrisma());

  async function seed(): Promise<number> {
    await truncateAll(db);
    await db.$executeRawUnsafe(
      `INSERT INTO posts (md5, fav_count, updated_at) SELECT md5(i::text), 7, now() FROM generate_series(1, ${POSTS}) i`,
    );
    const first = await db.post.findFirstOrThrow({ orderBy: { id: 'asc' }, select: { id: true } });
    return first.id;
  }

  async function savedCursor(jobId: string): Promise<number> {
    const stored = await queue().getJob(jobId);
    const continuation = (
      stored?.data as { continuation?: { completed: string[]; current?: { cursor: { from: number } } } }
    ).continuation;
    expect(continuation?.completed).toEqual(['tags']);
    return continuation?.current?.cursor.from ?? -1;
  }

  async function run(env: Record<string, string>, interrupt: (first: WorkerHandle) => Promise<void>) {
    const firstId = await seed();
    const workerEnv = envWith({ ...env, LOG_LEVEL: 'debug' });
    const first = startWorker(['--pool=default:1'], workerEnv);
    await first.started('default:1');
    const job = await RegeneratePostCountsJob.performLater(1);
    await waitUntil('100 ranges repaired', () => rangesOf(first).length >= 100, { timeoutMs: 60_000 });
    await interrupt(first);
    const cursor = await savedCursor(job.jobId);
    expect(cursor).toBeGreaterThanOrEqual(firstId + 100);
    expect(cursor).toBeLessThan(firstId + POSTS);

    const second = startWorker(['--pool=default:1'], workerEnv);
    await second.started('default:1');
    await waitUntil(
      'the resumed job completed',
      async () => (await queue().getJobState(job.jobId)) === 'completed',
      {
        timeoutMs: 90_000,
      },
    );
    const done = await queue().getJob(job.jobId);
    expect((done?.data as { continuation?: unknown }).continuation).toEqual({ completed: ['tags', 'posts'] });
    expect(done?.progress).toEqual({ postIdsDone: POSTS, postIdsTotal: POSTS });

    const byFirst = rangesOf(first);
    const bySecond = rangesOf(second);
    const all = Array.from({ length: POSTS }, (_, i) => firstId + i);
    // The first ran from the lowest id in order; the second started at the saved cursor.
    expect(byFirst).toEqual(all.slice(0, byFirst.length));
    expect(bySecond).toEqual(all.filter((id) => id >= cursor));
    expect(byFirst.length - (cursor - firstId)).toBeLessThanOrEqual(1); // at most the range in flight twice
    expect(second.proc.output()).toContain(`resuming at post id ${cursor}`);
    // Every post is right, and the result counts each fixed post at most once.
    expect(await db.post.count({ where: { favCount: { not: 0 } } })).toBe(0);
    const result = done?.returnvalue as { postsFixed: number; tagsFixed: number };
    expect(result.tagsFixed).toBe(0); // the resumed run skipped the finished 'tags' step
    expect(result.postsFixed).toBeGreaterThanOrEqual(POSTS - 1);
    expect(result.postsFixed).toBeLessThanOrEqual(POSTS);
    await second.kill9();
  }

  it(
    'after SIGTERM (handed back past the grace period) resumes at the saved cursor',
    { timeout: 180_000 },
    async () => {
      await run({ WORKER_SHUTDOWN_GRACE_MS: '100' }, async (first) => {
        first.proc.signal('SIGTERM');
        expect(await first.proc.exited).toEqual({ code: 0, signal: null });
      });
    },
  );

  it(
    'after kill -9 (rerun by the stalled check) resumes at the saved cursor',
    { timeout: 180_000 },
    async () => {
      await run({ ...FAST_TIMINGS }, async (first) => {
        const pids = [first.childPid(), first.pid];
        await kill9AndAwait(pids, 'the pool and its supervisor are gone');
      });
    },
  );
});
