/**
 * kill -9 loses no job: with 200 jobs in flight (50 running in a default:50 pool, 150 waiting),
 * the pool process and its supervisor are SIGKILLed at once. The running jobs' locks expire, a
 * new worker finds them stalled and runs them again, and every one of the 200 ends completed (or,
 * past maxStalledCount, failed with BullMQ's stalled reason); none is missing.
 *
 * Lock and stall timings are shortened through the env override (FAST_TIMINGS), so this takes
 * seconds instead of minutes. Runs on one Redis, a Sentinel group and a Redis Cluster
 * (describeEachTopology): the stall check must recover the jobs on each.
 */
import { expect, it } from 'vitest';
import { Job, listWorkers } from '../../app/framework/index';
import { SleepJob } from '../fixtures/jobs';
import { describeEachTopology } from '../support/redis-target';
import { FAST_TIMINGS, FIXTURES, isAlive, startWorker, useRuntimeSpec, waitUntil } from './support';

const JOBS = 200;
const POOL = 50;
const STALLED_REASON = 'job stalled more than allowable limit';

describeEachTopology('kill -9 of a worker pool and its supervisor with 200 jobs in flight', (target) => {
  const { scope, env, redis, adapter } = useRuntimeSpec('kill-9', { target, env: FAST_TIMINGS });
  const key = `${scope.prefix}:sleep`;

  it('loses none of them: a new worker completes every job, by id', { timeout: 180_000 }, async () => {
    const queue = adapter.queue('default');
    const first = startWorker([`--pool=default:${POOL}`, '--require', FIXTURES], env);
    await first.started(`default:${POOL}`);

    // 2-4 s each, so none has finished when the kill comes.
    const jobs = Array.from({ length: JOBS }, (_, i) =>
      SleepJob.build(key, `job-${i}`, 2_000 + (i % 3) * 1_000),
    );
    await Job.performAllLater(jobs);
    const ids = jobs.map((j) => j.jobId);

    // In flight: BullMQ holds 50 active and each of them is inside perform (it recorded its start).
    let seen = 'nothing yet';
    await waitUntil(`${POOL} jobs are active and running perform`, async () => {
      const [activeCount, startedCount] = [await queue.getActiveCount(), await redis.llen(`${key}:started`)];
      seen = `${activeCount} active, ${startedCount} started`;
      return activeCount === POOL && startedCount === POOL;
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}; last seen ${seen}`);
    });
    const active = (await queue.getActive()).map((j) => String(j.id));
    expect(active).toHaveLength(POOL);
    expect(await queue.getWaitingCount()).toBe(JOBS - POOL);
    expect(await queue.getCompletedCount()).toBe(0);

    // The pool process as the heartbeat reports it, and the supervisor that forked it.
    const beats = await listWorkers(redis, scope.prefix);
    expect(beats).toHaveLength(1);
    const child = beats[0] ?? { pid: 0, pools: [] };
    expect(child.pools).toEqual([`default:${POOL}`]);
    expect(child.pid).toBe(first.childPid());
    const pids = [child.pid, first.pid];
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await waitUntil('the pool process and the supervisor are gone', () => pids.every((pid) => !isAlive(pid)));
    expect(await first.proc.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Nothing ran on after the kill: the 50 are still active, held by a dead worker's lock.
    expect(await queue.getActiveCount()).toBe(POOL);

    const second = startWorker([`--pool=default:${POOL}`, '--require', FIXTURES], env);
    await second.started(`default:${POOL}`);

    const finished = await waitUntil(
      `all ${JOBS} jobs are completed or failed`,
      async () => {
        const states = await Promise.all(ids.map(async (id) => [id, await queue.getJobState(id)] as const));
        return states.every(([, state]) => state === 'completed' || state === 'failed') ? states : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

    const missing: string[] = [];
    const unexpected: { id: string; state: string; reason: string }[] = [];
    for (const [id, state] of finished) {
      const job = await queue.getJob(id);
      if (!job) missing.push(id);
      else if (state === 'failed' && job.failedReason !== STALLED_REASON)
        unexpected.push({ id, state, reason: job.failedReason });
    }
    expect(missing).toEqual([]);
    expect(unexpected).toEqual([]);

    // The 50 that were running when the kill came ran again on the new worker (none twice at once).
    const secondPid = second.childPid();
    const started = await redis.lrange(`${key}:started`, 0, -1);
    const startsOf = (marker: string) => started.filter((s) => s.startsWith(`${marker}:`));
    const interrupted = jobs.filter((j) => active.includes(j.jobId));
    expect(interrupted).toHaveLength(POOL);
    for (const job of interrupted) {
      const marker = String(job.arguments[1]);
      if ((await queue.getJobState(job.jobId)) === 'completed') {
        expect(startsOf(marker)).toEqual([`${marker}:${child.pid}`, `${marker}:${secondPid}`]);
      }
    }
    const done = await redis.lrange(`${key}:done`, 0, -1);
    const completed = finished.filter(([, state]) => state === 'completed').length;
    expect(new Set(done).size).toBe(completed);
    expect(done).toHaveLength(completed);
  });
});
