/**
 * One side of a benchmark round, timed alike wherever two setups are compared on the same
 * no-op workload (throughput: Backlot against raw BullMQ; cluster: one Redis against a cluster).
 *
 * Steps:
 *   1. enqueue every job (timed apart as enqueueMs, not in the rate);
 *   2. beforeStart, if given (e.g. reset the servers' counters); a full GC;
 *   3. start the side's workers and wait until `jobs` jobs completed or failed: processMs, the rate
 *      and this process's CPU per job are taken at the last job's event, or, with drain, once drain
 *      resolved (work that belongs to those jobs after the last one ended: a recorder's last write);
 *   4. afterFinish, if given, with the workers still open (e.g. read the servers' counters): its
 *      figures are added to the run; then the workers close.
 *
 * Example:
 *   const run = await timeSide(ctx, { side: 'raw', round: 1, jobs: 5000 }, {
 *     enqueue: () => queue.addBulk(jobs),
 *     start: () => ({ workers: [worker], close: () => worker.close() }),
 *   });   // { side, round, jobs, enqueueMs, processMs, jobsPerSec, cpuUsPerJob, failed }
 */
import { performance } from 'node:perf_hooks';
import type { Worker } from 'bullmq';
import type { BenchContext } from './benchmark';
import { countFinished } from './finished';

export interface SideRun<S extends string = string> {
  side: S;
  round: number;
  jobs: number;
  enqueueMs: number;
  processMs: number;
  jobsPerSec: number;
  /** This process's CPU time (user + system) per job while processing: less noisy than the rate. */
  cpuUsPerJob: number;
  failed: number;
}

/** What a side starts to process its jobs: BullMQ workers and how to close them. */
export interface SideWorkers {
  workers: readonly Worker[];
  close(): Promise<void>;
}

export interface SideSteps<X extends object> {
  enqueue(): Promise<unknown>;
  start(): SideWorkers;
  /** After enqueueing, before the clock starts. */
  beforeStart?(): Promise<void>;
  /** After the last job, still timed and counted: what finishing the jobs still needs. */
  drain?(): Promise<void>;
  /** Once every job finished, before the workers close: more of the side's figures. */
  afterFinish?(): Promise<X>;
}

/** ms since t0 and this process's CPU per job since cpu0. */
function spent(total: number, t0: number, cpu0: NodeJS.CpuUsage): { elapsedMs: number; cpuUsPerJob: number } {
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { elapsedMs, cpuUsPerJob: (cpu.user + cpu.system) / total };
}

/** Resolves when `total` jobs completed or failed on these workers: ms since t0, CPU per job, failures. */
function whenFinished(
  workers: readonly Worker[],
  total: number,
  t0: number,
  cpu0: NodeJS.CpuUsage,
): Promise<{ elapsedMs: number; cpuUsPerJob: number; failed: number }> {
  return new Promise((resolve) => {
    countFinished(workers, ({ completed, failed }) => {
      if (completed + failed < total) return;
      resolve({ ...spent(total, t0, cpu0), failed });
    });
  });
}

/** Times one side of a round (see the steps above). */
export async function timeSide<S extends string, X extends object = object>(
  ctx: BenchContext,
  run: Pick<SideRun<S>, 'side' | 'round' | 'jobs'>,
  steps: SideSteps<X>,
): Promise<SideRun<S> & X> {
  const e0 = performance.now();
  await steps.enqueue();
  const enqueueMs = performance.now() - e0;
  await steps.beforeStart?.();
  ctx.gc();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = steps.start();
  const finished = await whenFinished(worker.workers, run.jobs, t0, cpu0);
  const { elapsedMs, cpuUsPerJob } = steps.drain
    ? await steps.drain().then(() => spent(run.jobs, t0, cpu0))
    : finished;
  const extra = ((await steps.afterFinish?.()) ?? {}) as X;
  await worker.close();
  return {
    ...run,
    enqueueMs,
    processMs: elapsedMs,
    jobsPerSec: (run.jobs / elapsedMs) * 1000,
    cpuUsPerJob,
    failed: finished.failed,
    ...extra,
  };
}
