/**
 * A worker: BullMQ Workers for a list of queues in this process, running Backlot jobs.
 *
 * Steps: one BullMQ Worker per queue (BacklotWorker: malformed job data loads, to be failed),
 * each with the given concurrency, the Backlot processor and the 'backlot' backoff strategy;
 * errors from BullMQ itself are logged, never thrown; reports that a running job lost its lock
 * ('lockRenewalFailed', 'stalled') go to onLockLost (see fencing.ts); close() stops taking jobs
 * and waits for running ones.
 *
 * Example: const worker = startWorker({ queues: ['default'], concurrency: 8, connection, prefix })
 */
import { MetricsTime, type ConnectionOptions, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { backlotBackoff, createProcessor, type ProcessorHooks } from '../adapters/bullmq/processor';
import { BacklotWorker } from '../adapters/bullmq/stored-job';
import { backlotSettings } from '../settings';

export interface WorkerOptions {
  queues: readonly string[];
  /** Jobs run at once per queue. @defaultValue 1 */
  concurrency?: number;
  /** A connection for the workers (duplicated by BullMQ for blocking reads). */
  connection: Redis | ConnectionOptions;
  prefix: string;
  /** Lock duration in ms (see config/queues.ts). */
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
  hooks?: ProcessorHooks;
  /** Per-queue rate limits (see rate-limits.ts). */
  limiters?: Record<string, { max: number; duration: number }>;
  /**
   * Told when BullMQ reports that jobs of `queue` lost their lock (renewal failed, or this
   * worker's stall check took them back); when given, it owns the logging of those reports.
   */
  onLockLost?: (queue: string, jobIds: string[], why: string) => void;
}

/** BullMQ's 'error' for each failed renewal, which onLockLost already reports. */
const RENEWAL_FAILED = /^could not renew lock for job /;

export interface RunningWorker {
  readonly workers: readonly Worker[];
  close(force?: boolean): Promise<void>;
}

/** BullMQ's per-minute completed/failed counts, kept a week: the admin charts and /metrics read them. */
export const WORKER_METRICS = { maxDataPoints: MetricsTime.ONE_WEEK };

export function startWorker(options: WorkerOptions): RunningWorker {
  const processor = createProcessor(options.hooks);
  const log = backlotSettings().logger;
  const workers = options.queues.map((queueName) => {
    const worker = new BacklotWorker(queueName, processor, {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 1,
      metrics: WORKER_METRICS,
      settings: { backoffStrategy: backlotBackoff },
      ...(options.limiters?.[queueName] ? { limiter: options.limiters[queueName] } : {}),
      ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
      ...(options.maxStalledCount !== undefined ? { maxStalledCount: options.maxStalledCount } : {}),
    });
    const onLockLost = options.onLockLost;
    worker.on('error', (error) => {
      if (onLockLost && RENEWAL_FAILED.test(error.message)) return;
      log.error({ queue: queueName, err: error }, `worker error on ${queueName}: ${error.message}`);
    });
    if (onLockLost) {
      worker.on('lockRenewalFailed', (jobIds) => onLockLost(queueName, jobIds, 'lock renewal failed'));
      worker.on('stalled', (jobId) => onLockLost(queueName, [jobId], 'the stall check took it back'));
    }
    return worker as Worker;
  });
  return {
    workers,
    async close(force = false) {
      await Promise.all(workers.map((w) => w.close(force)));
    },
  };
}
