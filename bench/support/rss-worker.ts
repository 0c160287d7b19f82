/**
 * Child process for the throughput benchmark's RSS figure. mode 'backlot': a real Backlot worker
 * process (startWorkerProcess: BullMQ workers, semaphore, heartbeat, cancel listener) running
 * NoopJob, logging at INFO to /dev/null as in production; with `events`, the event bus on as
 * bin/worker runs it (startEventBus, job events to a Redis stream under `events.prefix`, the
 * publisher's queue as `events.queue` says). mode 'raw' (reference): one plain BullMQ
 * Worker with an async no-op processor and the same lock timings; the framework is not loaded.
 * Either way it reports its memory over IPC.
 *
 * Run by bench/throughput.bench.ts:
 *   node dist/bench/support/rss-worker.mjs CONFIG    (npm run bench: compiled)
 *   node --import <tsx loader> bench/support/rss-worker.ts CONFIG   (npm run bench:tsx)
 *   CONFIG: '{"mode":"backlot","prefix":"{bench-rss-..}","concurrency":50,"reportEvery":5000,"redisUrl":"redis://..","queue":"default"}'
 * Messages to the parent: { type: 'ready' | 'rss' | 'stopped', completed, failed, rss, heapUsed, maxRss, .. }
 * Message from the parent: { type: 'stop' } -> graceful shutdown, 'stopped', exit 0.
 */
import type { Worker } from 'bullmq';
import type { ForwarderOptions, ForwarderStats } from '../../app/framework/index';
import { WORKER_TIMINGS } from '../../config/queues';
import { countFinished } from './finished';
import { connect } from './redis';

export interface RssWorkerConfig {
  mode: 'backlot' | 'raw';
  prefix: string;
  concurrency: number;
  reportEvery: number;
  /** Jobs the parent will enqueue: a last report is sent when they are all finished. */
  total: number;
  redisUrl: string;
  queue: string;
  /** Run the event bus (mode 'backlot'), as bin/worker does (config/backlot.ts events: 'publish'). */
  events?: { prefix: string; queue?: ForwarderOptions };
}

export interface RssSample {
  type: 'ready' | 'rss' | 'stopped';
  completed: number;
  failed: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** The kernel's high-water mark of this process's RSS so far, in bytes. */
  maxRss: number;
  /** Date.now() when the sample was taken. */
  at: number;
  /** With the event bus: the Redis publisher's queue now, and what it dropped or failed so far. */
  events?: { queued: number; delivered: number; dropped: number; failed: number };
}

const config = JSON.parse(process.argv[2] ?? '{}') as RssWorkerConfig;
if (!process.send || !config.prefix) {
  console.error(
    'rss-worker: run by bench/throughput.bench.ts (needs an IPC channel and a JSON config argument)',
  );
  process.exit(2);
}

let completed = 0;
let failed = 0;
let busStats: (() => ForwarderStats | undefined) | undefined;

function sample(type: RssSample['type']): RssSample {
  const m = process.memoryUsage();
  return {
    type,
    completed,
    failed,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    maxRss: process.resourceUsage().maxRSS * 1024,
    at: Date.now(),
    ...eventStats(),
  };
}

function eventStats(): Pick<RssSample, 'events'> {
  const stats = busStats?.();
  if (!stats) return {};
  const { queued, delivered, dropped, failed: lost } = stats;
  return { events: { queued, delivered, dropped, failed: lost } };
}

const send = (message: RssSample) => process.send?.(message);

/** Starts the workers; resolves them and a graceful stop. */
async function start(): Promise<{ workers: readonly Worker[]; stop(): Promise<void> }> {
  if (config.mode === 'raw') {
    const { Worker } = await import('bullmq');
    const worker = new Worker(config.queue, async () => {}, {
      connection: connect(config.redisUrl),
      prefix: config.prefix,
      concurrency: config.concurrency,
      lockDuration: WORKER_TIMINGS.lockDurationMs,
      stalledInterval: WORKER_TIMINGS.stalledIntervalMs,
      maxStalledCount: WORKER_TIMINGS.maxStalledCount,
    });
    worker.on('error', () => undefined);
    return { workers: [worker], stop: () => worker.close() };
  }
  const { pino } = await import('pino');
  const { configureBacklot, startEventBus, startWorkerProcess } = await import('../../app/framework/index');
  await import('./jobs');
  const { logDestination } = await import('../../config/logger');
  const destination = logDestination('/dev/null');
  await destination.ready();
  configureBacklot({ logger: pino({ level: 'info', base: { pid: process.pid } }, destination) });
  const bus = config.events
    ? startEventBus({
        redis: { url: config.redisUrl, prefix: config.events.prefix, queue: config.events.queue },
      })
    : undefined;
  if (bus) busStats = () => bus.broker.stats().find((s) => s.name === 'redis');
  const proc = await startWorkerProcess({
    pool: { queues: [config.queue], concurrency: config.concurrency },
    connect: () => connect(config.redisUrl),
    prefix: config.prefix,
    timings: WORKER_TIMINGS,
  });
  return {
    workers: proc.worker.workers,
    stop: async () => {
      await proc.shutdown(5_000);
      await bus?.stop();
    },
  };
}

function report(): void {
  const finished = completed + failed;
  if (finished % config.reportEvery === 0 || finished === config.total) send(sample('rss'));
}

const running = await start();
// Reports every reportEvery finished jobs (completed or failed), so the parent never waits forever.
countFinished(running.workers, (counts) => {
  ({ completed, failed } = counts);
  report();
});
send(sample('ready'));

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await running.stop();
  // Exit once the last message is handed to the channel.
  process.send?.(sample('stopped'), undefined, {}, () => process.exit(0));
};
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop') void stop();
});
// The parent died: do not linger.
process.on('disconnect', () => {
  if (!stopping) process.exit(1);
});
