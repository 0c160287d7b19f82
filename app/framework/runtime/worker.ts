/**
 * A worker: BullMQ Workers for a list of queues in this process, running Backlot jobs.
 *
 * Steps: one BullMQ Worker per queue (BacklotWorker: malformed job data loads, to be failed;
 * with `slots`, a PoolWorker that takes a job only with one of those slots, see pool-worker.ts),
 * each with the given concurrency, the Backlot processor and the 'backlot' backoff strategy;
 * errors from BullMQ itself are logged, never thrown; reports that a running job lost its lock
 * ('lockRenewalFailed', 'stalled') go to onLockLost (see fencing.ts); close() stops taking jobs
 * and waits for running ones. A lost connection (every Worker's reconnect attempts, on its own
 * and on BullMQ's blocking connection) goes to one outage tracker, 'worker': one line when Redis
 * is lost, one when it is back (redis-outage.ts).
 *
 * Example: const worker = startWorker({ queues: ['default'], concurrency: 8, connection, prefix })
 */
import { MetricsTime, type ConnectionOptions, type Worker } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { ConcurrencyGate } from '../concurrency/gate';
import { queuePrefix, type KeyLayout } from '../key-layout';
import { backlotBackoff, createProcessor, type ProcessorHooks } from '../adapters/bullmq/processor';
import { BacklotWorker } from '../adapters/bullmq/stored-job';
import type { RedisConnection } from '../redis-connection';
import { isConnectionError, RedisOutage } from '../redis-outage';
import { backlotSettings } from '../settings';
import type { PoolSlots } from './pool-slots';
import { PoolWorker } from './pool-worker';

export interface WorkerOptions {
  queues: readonly string[];
  /** Jobs run at once per queue. @defaultValue 1 */
  concurrency?: number;
  /** A connection for the workers (duplicated by BullMQ for blocking reads). */
  connection: RedisConnection | ConnectionOptions;
  prefix: string;
  /** Queue keys under the one prefix, or a hash tag per queue (key-layout.ts). @defaultValue 'single' */
  layout?: KeyLayout;
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
  /**
   * Longest wait (s) of an idle worker's blocking read for new work (BullMQ's drainDelay).
   * @defaultValue WORKER_DRAIN_DELAY_S
   */
  drainDelay?: number;
  /**
   * Slots shared by the queues (a pool serving several queues): a queue takes a job from Redis
   * only with a free slot, so the workers hold at most `slots.size` jobs in all. Without it each
   * queue's worker holds up to `concurrency` jobs (one queue: the pool's N).
   */
  slots?: PoolSlots;
}

/** BullMQ's 'error' for each failed renewal, which onLockLost already reports. */
const RENEWAL_FAILED = /^could not renew lock for job /;

export interface RunningWorker {
  readonly workers: readonly Worker[];
  /** The workers' connection outages (one line when lost, one when back). */
  readonly outage: RedisOutage;
  close(force?: boolean): Promise<void>;
}

/**
 * An idle worker re-checks its queue at least this often (s). BullMQ's default is 5 s, and a
 * finishing job wakes no other worker when its own worker is closing: under a global concurrency
 * limit (bulk_update: 1) the next job then waited up to 5 s after the process that ran the last
 * one stopped (npm run bench -- handover). One blocking read a second per idle queue is cheap.
 */
export const WORKER_DRAIN_DELAY_S = 1;

/** BullMQ's per-minute completed/failed counts, kept a week: the admin charts and /metrics read them. */
export const WORKER_METRICS = { maxDataPoints: MetricsTime.ONE_WEEK };

export function startWorker(options: WorkerOptions): RunningWorker {
  // Concurrency keys: a gate on its own connection, promoting parked jobs through these workers.
  const byQueue = new Map<string, Worker>();
  const layout = options.layout ?? 'single';
  const gate = ConcurrencyGate.over(
    options.connection as RedisConnection | RedisOptions,
    (queue) => queuePrefix(options.prefix, queue, layout),
    (name) => byQueue.get(name),
  );
  const processor = createProcessor({ ...options.hooks, concurrency: gate });
  const log = backlotSettings().logger;
  // BullMQ's blocking connections are its own duplicates of `connection`: their failures reach
  // the tracker through the Worker's 'error' events, and their recovery through the settle time.
  const outage = new RedisOutage('worker', { settleMs: 2_500 });
  if (options.connection instanceof Redis || options.connection instanceof Cluster)
    outage.watch(options.connection);
  const slots = options.slots;
  const workers = options.queues.map((queueName) => {
    const WorkerClass = slots ? PoolWorker : BacklotWorker;
    const worker = new WorkerClass(queueName, processor, {
      autorun: !slots,
      connection: options.connection,
      prefix: queuePrefix(options.prefix, queueName, layout),
      concurrency: options.concurrency ?? 1,
      drainDelay: options.drainDelay ?? WORKER_DRAIN_DELAY_S,
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
      if (outage.down || isConnectionError(error)) return outage.lost(error);
      log.error({ queue: queueName, err: error }, `worker error on ${queueName}: ${error.message}`);
    });
    if (onLockLost) {
      worker.on('lockRenewalFailed', (jobIds) => onLockLost(queueName, jobIds, 'lock renewal failed'));
      worker.on('stalled', (jobId) => onLockLost(queueName, [jobId], 'the stall check took it back'));
    }
    byQueue.set(queueName, worker);
    if (slots) (worker as PoolWorker).runWith(slots);
    return worker as Worker;
  });
  return {
    workers,
    outage,
    async close(force = false) {
      // Each close() marks its worker closing at once; then the queues waiting for a slot give up.
      const closing = workers.map((w) => w.close(force));
      slots?.close();
      await Promise.all(closing);
      outage.dispose();
      await gate.close();
    },
  };
}
