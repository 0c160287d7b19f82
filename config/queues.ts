/**
 * The queues and their worker defaults. Queue names are these constants; enqueueing to any other
 * name fails at once.
 *
 * - default: general work, a pool of 8 jobs at a time.
 * - bulk_update: bulk update requests, one job at a time across every worker process (the limit
 *   is set on the queue itself with BullMQ global concurrency).
 */
import type { Env } from './env';

export const QUEUES = {
  default: { name: 'default', concurrency: 8, globalConcurrency: undefined as number | undefined },
  bulk_update: { name: 'bulk_update', concurrency: 1, globalConcurrency: 1 as number | undefined },
} as const;

export type QueueName = keyof typeof QUEUES;

export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

/**
 * Lock and stall detection for production. A canary test asserts these values, so a value
 * lowered for a manual experiment cannot slip into the suite or a release.
 */
export const WORKER_TIMINGS = {
  /** A worker's lock on a running job, renewed at half this. @defaultValue 30000 ms */
  lockDurationMs: 30_000,
  /** How often workers look for jobs whose lock expired (a dead worker's). @defaultValue 30000 ms */
  stalledIntervalMs: 30_000,
  /** Requeues after a lost worker before the job fails ("lost its worker 3 times"). @defaultValue 2 */
  maxStalledCount: 2,
  /** SIGTERM grace period before running jobs are aborted and requeued. @defaultValue 25000 ms */
  shutdownGraceMs: 25_000,
} as const;

export type WorkerTimingsConfig = { -readonly [K in keyof typeof WORKER_TIMINGS]: number };

/** The environment variables that override WORKER_TIMINGS (see config/env.ts). */
export type WorkerTimingOverrides = Partial<
  Pick<Env, 'WORKER_LOCK_DURATION_MS' | 'WORKER_STALLED_INTERVAL_MS' | 'WORKER_SHUTDOWN_GRACE_MS'>
>;

/**
 * The timings bin/worker uses: WORKER_TIMINGS, each overridable by an environment variable
 * (WORKER_LOCK_DURATION_MS, WORKER_STALLED_INTERVAL_MS, WORKER_SHUTDOWN_GRACE_MS) so that fault
 * tests run in seconds. With none set (production) the result equals WORKER_TIMINGS.
 *
 * Example: workerTimings(env()) -> { lockDurationMs: 30000, stalledIntervalMs: 30000, ... }
 */
export function workerTimings(e: WorkerTimingOverrides): WorkerTimingsConfig {
  return {
    lockDurationMs: e.WORKER_LOCK_DURATION_MS ?? WORKER_TIMINGS.lockDurationMs,
    stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS ?? WORKER_TIMINGS.stalledIntervalMs,
    maxStalledCount: WORKER_TIMINGS.maxStalledCount,
    shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS ?? WORKER_TIMINGS.shutdownGraceMs,
  };
}
