/**
 * bulk_update runs one job at a time across every worker process: the limit (globalConcurrency 1
 * in config/queues.ts) lives on the queue in Redis, not in a process, so three processes with four
 * slots each still never overlap two jobs: on one Redis, a Sentinel group and a Redis Cluster
 * (the queue's keys on its own hash slot there).
 */
import { beforeAll, expect, it } from 'vitest';
import { Job } from '../../app/framework/index';
import { QUEUES } from '../../config/queues';
import { IntervalJob } from '../fixtures/jobs';
import { describeEachTopology } from '../support/redis-target';
import { FIXTURES, startWorker, useRuntimeSpec, waitUntil, type WorkerHandle } from './support';

interface Interval {
  start: number;
  end: number;
  pid: number;
}

const JOBS = 12;
const JOB_MS = 150;

describeEachTopology('bulk_update global concurrency across worker processes', (target) => {
  const { scope, env, redis } = useRuntimeSpec('global-concurrency', { target });
  const key = `${scope.prefix}:intervals`;
  let workers: WorkerHandle[];

  beforeAll(async () => {
    // All three are up and waiting before the first job exists, so each can compete for every job.
    workers = [1, 2, 3].map(() => startWorker(['--pool=bulk_update:4', '--require', FIXTURES], env));
    await Promise.all(workers.map((w) => w.started('bulk_update:4')));
  }, 120_000);

  it('is 1 for bulk_update in config/queues.ts and on the queue in Redis', async () => {
    expect(QUEUES.bulk_update.globalConcurrency).toBe(1);
    expect(await redis.hget(`${scope.queuePrefix('bulk_update')}:bulk_update:meta`, 'concurrency')).toBe('1');
  });

  it(`runs ${JOBS} jobs from 3 processes with 4 slots each one at a time, on every process`, async () => {
    const readIntervals = async () => (await redis.lrange(key, 0, -1)).map((r) => JSON.parse(r) as Interval);
    await Job.performAllLater(Array.from({ length: JOBS }, () => IntervalJob.build(key, JOB_MS)));

    // A process that completes a bulk_update job fetches the next one in the same Redis call, so a
    // burst stays on the process that took the first job. To have every process take part, the
    // one running the jobs is stopped (SIGTERM: it finishes its job and takes no more) as soon as
    // it has run one, then the next one, while the others keep competing for the queue's slot.
    const stopped: WorkerHandle[] = [];
    for (let round = 1; round <= 2; round += 1) {
      const runner = await waitUntil(`a worker not yet stopped has run a job (round ${round})`, async () => {
        const pids = (await readIntervals()).map((i) => i.pid);
        return workers.find((w) => !stopped.includes(w) && w.childPids().some((pid) => pids.includes(pid)));
      });
      runner.proc.signal('SIGTERM');
      stopped.push(runner);
    }
    const recorded = await waitUntil(`${JOBS} intervals are recorded`, async () => {
      const intervals = await readIntervals();
      return intervals.length >= JOBS ? intervals : undefined;
    });
    for (const w of stopped) expect(await w.proc.exited).toEqual({ code: 0, signal: null });

    expect(recorded).toHaveLength(JOBS);
    const overlaps = recorded.flatMap((a, i) =>
      recorded.slice(i + 1).flatMap((b) => (a.start < b.end && b.start < a.end ? [{ a, b }] : [])),
    );
    expect(overlaps).toEqual([]);

    const workerPids = new Set(workers.flatMap((w) => w.childPids()));
    const ranOn = new Set(recorded.map((r) => r.pid));
    for (const pid of ranOn) expect(workerPids).toContain(pid);
    expect(ranOn.size).toBe(3);
  });
});
