/**
 * One worker process serving one pool (the child side of bin/worker).
 *
 * Steps:
 *   1. apply each queue's global concurrency (BullMQ's queue-level limit, shared by every worker
 *      process on every machine), e.g. bulk_update: 1;
 *   2. start BullMQ workers for the pool's queues; several queues share the pool's N slots
 *      (pool-slots.ts): a queue takes a job from Redis only with a free slot, the longest-waiting
 *      queue first, so the pool holds at most N jobs, all running (one queue: its worker's
 *      concurrency N is that bound already);
 *   3. keep a heartbeat key (pools, running job ids) and listen for cancel messages; a running
 *      job whose lock is reported lost is fenced (fencing.ts: its signal aborts, nothing reported);
 *   4. on shutdown: stop taking jobs, give running jobs `graceMs` to finish, then abort them
 *      with WorkerShutdownError (they go back to waiting for another worker) and close.
 *
 * Example: const proc = await startWorkerProcess({ pool, connectionFactory, prefix, timings }); await proc.shutdown()
 */
import { Queue } from 'bullmq';
import type { RedisConnection } from '../redis-connection';
import { JobCanceledError, WorkerShutdownError } from '../errors';
import { backlotSettings } from '../settings';
import { publishWorkerDown, publishWorkerUp } from '../events/framework-events';
import { queuePrefix, type KeyLayout } from '../key-layout';
import { registeredJobs } from '../registry';
import { watchRedisOutage } from '../redis-outage';
import { listenForCancels } from './cancellation';
import { lockFence, type LockedRun } from './fencing';
import { queueRateLimits } from './rate-limits';
import { startHeartbeat } from './heartbeat';
import { formatPoolSpec, type PoolSpec } from './pool-spec';
import { PoolSlots } from './pool-slots';
import { startWorker, type RunningWorker } from './worker';

export interface WorkerTimings {
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  shutdownGraceMs: number;
}

export interface WorkerProcessOptions {
  pool: PoolSpec;
  /** Opens a new Redis connection (workers, heartbeat, subscriber each get one). */
  connect: () => RedisConnection;
  prefix: string;
  /** Queue keys under the one prefix, or a hash tag per queue (key-layout.ts). @defaultValue 'single' */
  layout?: KeyLayout;
  timings: WorkerTimings;
  /** Queue-level concurrency limits, e.g. { bulk_update: 1 }. */
  globalConcurrency?: Record<string, number | undefined>;
}

export interface WorkerProcess {
  readonly worker: RunningWorker;
  running(): string[];
  /** Graceful stop; resolves once every job finished or was handed back. */
  shutdown(graceMs?: number): Promise<void>;
  /** Immediate stop (second signal): abort everything, close without waiting. */
  kill(): Promise<void>;
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const log = backlotSettings().logger;
  // ioredis reconnects by itself; each connection writes one line when Redis is lost and one when
  // it is back (redis-outage.ts), not one per attempt.
  const layout = options.layout ?? 'single';
  const prefixOf = (queue: string) => queuePrefix(options.prefix, queue, layout);
  const admin = options.connect();
  const adminOutage = watchRedisOutage(admin, 'heartbeat');
  for (const queueName of options.pool.queues) {
    const limit = options.globalConcurrency?.[queueName];
    const queue = new Queue(queueName, { connection: admin, prefix: prefixOf(queueName) });
    if (limit) await queue.setGlobalConcurrency(limit);
    await queue.close();
  }

  const limiters = queueRateLimits(registeredJobs());
  const running = new Map<string, LockedRun>();
  const slots = options.pool.queues.length > 1 ? new PoolSlots(options.pool.concurrency) : undefined;
  const fence = lockFence(admin, prefixOf, (jobId) => running.get(jobId));
  const worker = startWorker({
    queues: options.pool.queues,
    concurrency: options.pool.concurrency,
    connection: options.connect(),
    prefix: options.prefix,
    layout,
    lockDuration: options.timings.lockDurationMs,
    stalledInterval: options.timings.stalledIntervalMs,
    maxStalledCount: options.timings.maxStalledCount,
    limiters,
    ...(slots ? { slots } : {}),
    hooks: {
      onStart: (job, bullJob) => void running.set(job.jobId, { job, token: bullJob.token }),
      onEnd: (job) => {
        if (running.get(job.jobId)?.job === job) running.delete(job.jobId);
      },
    },
    onLockLost: (queue, jobIds, why) => void fence.lost(queue, jobIds, why),
  });

  const poolName = formatPoolSpec(options.pool);
  const heartbeat = startHeartbeat(admin, options.prefix, () => ({
    pools: [poolName],
    running: [...running.keys()],
  }));
  const subscriber = options.connect();
  const subscriberOutage = watchRedisOutage(subscriber, 'cancel subscriber');
  const stopListening = await listenForCancels(subscriber, options.prefix, (jobId, reason) => {
    if (!running.has(jobId)) return;
    log.info({ jobId, reason }, `Cancel requested for job ${jobId}`);
    const message = reason.startsWith('canceled') ? reason : `canceled: ${reason}`;
    running.get(jobId)?.job.abort(new JobCanceledError(message));
  });
  log.info({ pool: poolName }, `Worker started for pool ${poolName}`);
  publishWorkerUp([poolName], options.pool.queues, options.pool.concurrency);

  const closeConnections = async () => {
    await stopListening();
    await heartbeat.stop();
    await Promise.all([subscriber, admin].map((c) => c.quit().catch(() => c.disconnect())));
    adminOutage.dispose();
    subscriberOutage.dispose();
  };

  return {
    worker,
    running: () => [...running.keys()],
    async shutdown(graceMs = options.timings.shutdownGraceMs) {
      log.info(
        { pool: poolName, running: running.size, graceMs },
        `Shutting down pool ${poolName}: waiting up to ${graceMs} ms for ${running.size} running job(s)`,
      );
      const closing = worker.close();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), graceMs);
      });
      const first = await Promise.race([closing.then(() => 'closed' as const), deadline]);
      clearTimeout(timer);
      if (first === 'deadline') {
        log.warn(
          { pool: poolName, running: [...running.keys()] },
          'Grace period over: handing running jobs back to the queue',
        );
        for (const { job } of running.values()) job.abort(new WorkerShutdownError('worker shutting down'));
        const handedBack = await Promise.race([
          closing.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 5_000)),
        ]);
        if (!handedBack) await worker.close(true);
      }
      await closeConnections();
      publishWorkerDown('shutdown');
      log.info({ pool: poolName }, `Pool ${poolName} stopped`);
    },
    async kill() {
      publishWorkerDown('killed');
      for (const { job } of running.values()) job.abort(new WorkerShutdownError('worker killed'));
      await worker.close(true);
      await closeConnections();
    },
  };
}
