/**
 * throughput: Backlot job classes against raw BullMQ on the same Redis, plus enqueue latency,
 * enqueue-to-start latency and a worker process's memory.
 *
 * 1. Processing rate: the same number of no-op jobs through (a) NoopJob (performAllLater in
 *    chunks, then startWorker with the Backlot processor) and (b) raw BullMQ (Queue.addBulk with a
 *    small payload, then a Worker with an async no-op processor); same concurrency and retention,
 *    a fresh prefix per side per round (deleted afterwards), sides alternating A,B then B,A.
 *    Rate = jobs / (worker start -> last 'completed' event); enqueueing is done before and not timed.
 *    The ratio is the median of the per-round ratios (both sides of a round run back to back).
 * 2. performLater latency: sequential BenchPingJob.performLater (raw Queue.add alongside for reference).
 * 3. Enqueue-to-start latency with idle workers: epoch ms before performLater -> first line of perform.
 * 4. Peak RSS of a worker process (bench/support/rss-worker.ts) across --rss-jobs jobs, run as
 *    bin/worker runs a pool (POOL_NODE_FLAGS; with --events 1 the event bus on in that process),
 *    and beside it the same without those flags (--rss-default-flags 1), in the same run.
 *
 * Backlot logs through pino at 'info' into config/logger.ts's logDestination('/dev/null'): the INFO lines per
 * enqueue, start and finish are produced and written, as in production, just not kept.
 *
 * Writes docs/throughput.svg, the rounds' rates and ratios (bench/support/throughput-plot.ts), which
 * the README shows.
 *
 * Example: npm run bench -- throughput --jobs 5000 --rounds 1 --rss-jobs 20000
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import {
  BullmqAdapter,
  DEFAULT_RETENTION,
  Job,
  POOL_NODE_FLAGS,
  WORKER_METRICS,
  configureBacklot,
  startEventBus,
  startWorker,
} from '../app/framework/index';
import { defineBenchmark, epochMs, sleep, type BenchContext, type BenchRow } from './support/benchmark';
import { BenchPingJob, LatencyProbeJob, NoopJob } from './support/jobs';
import { benchPrefix, connect, deletePrefix } from './support/redis';
import type { RssSample, RssWorkerConfig } from './support/rss-worker';
import { median, percentile, round, slope } from './support/stats';
import { timeSide, type SideRun as BaseSideRun } from './support/side-run';
import { throughputPlot } from './support/throughput-plot';
import { backlotLogger, inChunks } from './support/workload';

/** Where the plot of the rounds goes (README links it). */
const THROUGHPUT_PLOT = 'docs/throughput.svg';

const QUEUE = 'default';
/** How this benchmark runs: compiled by bin/build (npm run bench), or from the sources under tsx (npm run bench:tsx). */
const RUNTIME = import.meta.url.endsWith('.mjs')
  ? 'compiled (dist/, as bin/worker runs after bin/build)'
  : 'tsx (TypeScript sources, as bin/worker runs without a build)';
const MB = 1024 * 1024;

/** Raw BullMQ gets the retention Backlot's adapter sets by default (and one attempt, as NoopJob has). */
const RAW_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: DEFAULT_RETENTION.completedAge, count: DEFAULT_RETENTION.completedCount },
  removeOnFail: { age: DEFAULT_RETENTION.failedAge },
};

/** A raw payload about the size of a Backlot JobPayload for a job without arguments. */
function rawPayload(seq: number): Record<string, unknown> {
  return {
    kind: 'noop',
    seq,
    arguments: [],
    attempt: 0,
    enqueuedAt: new Date().toISOString(),
    source: 'bench-raw-bullmq-side',
  };
}

type Side = 'backlot' | 'raw';
type SideRun = BaseSideRun<Side>;

async function runBacklot(ctx: BenchContext, round: number, jobs: number): Promise<SideRun> {
  const { concurrency, chunk } = ctx.flags as { concurrency: number; chunk: number };
  const prefix = benchPrefix('tp-backlot');
  const producer = connect(ctx.redisUrl);
  const adapter = new BullmqAdapter({ connection: producer, prefix });
  configureBacklot({ adapter });
  const workerConnection = connect(ctx.redisUrl);
  try {
    return await timeSide(
      ctx,
      { side: 'backlot', round, jobs },
      {
        enqueue: () =>
          inChunks(jobs, chunk, (_, count) =>
            Job.performAllLater(Array.from({ length: count }, () => NoopJob.build())),
          ),
        start: () => startWorker({ queues: [QUEUE], concurrency, connection: workerConnection, prefix }),
      },
    );
  } finally {
    await adapter.close();
    await deletePrefix(producer, prefix);
    await Promise.all([producer.quit(), workerConnection.quit()]);
  }
}

async function runRaw(ctx: BenchContext, round: number, jobs: number): Promise<SideRun> {
  const { concurrency, chunk } = ctx.flags as { concurrency: number; chunk: number };
  const prefix = benchPrefix('tp-raw');
  const producer = connect(ctx.redisUrl);
  const queue = new Queue(QUEUE, { connection: producer, prefix });
  const workerConnection = connect(ctx.redisUrl);
  try {
    return await timeSide(
      ctx,
      { side: 'raw', round, jobs },
      {
        enqueue: () =>
          inChunks(jobs, chunk, (from, count) =>
            queue.addBulk(
              Array.from({ length: count }, (_, i) => ({
                name: 'noop',
                data: rawPayload(from + i),
                opts: RAW_JOB_OPTIONS,
              })),
            ),
          ),
        start: () => {
          // Backlot's workers record BullMQ's per-minute metrics (the admin charts read them); so
          // does the raw side unless --raw-metrics 0, as retention is matched: the ratio compares
          // the framework, not two BullMQ configurations.
          const metrics = ctx.flags['raw-metrics'] ? { metrics: WORKER_METRICS } : {};
          const worker = new Worker(QUEUE, async () => {}, {
            connection: workerConnection,
            prefix,
            concurrency,
            ...metrics,
          });
          worker.on('error', () => undefined);
          return { workers: [worker], close: () => worker.close() };
        },
      },
    );
  } finally {
    await queue.close();
    await deletePrefix(producer, prefix);
    await Promise.all([producer.quit(), workerConnection.quit()]);
  }
}

const runSide = (side: Side, ctx: BenchContext, round: number, jobs: number) =>
  side === 'backlot' ? runBacklot(ctx, round, jobs) : runRaw(ctx, round, jobs);

async function measureThroughput(ctx: BenchContext) {
  const { jobs, rounds, warmup } = ctx.flags as { jobs: number; rounds: number; warmup: number };
  if (warmup > 0) {
    ctx.log(`warm-up: ${warmup} jobs per side (not counted)`);
    await runSide('backlot', ctx, 0, warmup);
    await runSide('raw', ctx, 0, warmup);
  }
  const runs: SideRun[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const order: Side[] = round % 2 === 1 ? ['backlot', 'raw'] : ['raw', 'backlot'];
    for (const side of order) {
      const run = await runSide(side, ctx, round, jobs);
      runs.push(run);
      ctx.log(
        `round ${round} ${side.padEnd(7)}: ${Math.round(run.jobsPerSec)} jobs/s, ${Math.round(run.cpuUsPerJob)} µs CPU/job (processed in ${Math.round(run.processMs)} ms, enqueued in ${Math.round(run.enqueueMs)} ms${run.failed ? `, ${run.failed} FAILED` : ''})`,
      );
    }
  }
  const of = (side: Side, pick: (r: SideRun) => number) => runs.filter((r) => r.side === side).map(pick);
  const backlot = median(of('backlot', (r) => r.jobsPerSec));
  const raw = median(of('raw', (r) => r.jobsPerSec));
  const cpu = {
    backlot: median(of('backlot', (r) => r.cpuUsPerJob)),
    raw: median(of('raw', (r) => r.cpuUsPerJob)),
  };
  // Each round runs both sides back to back: their ratio cancels the load the shared machine
  // had at that moment, which a ratio of the two sides' medians (of different moments) keeps.
  const roundRatios = [...new Set(runs.map((r) => r.round))].map((n) => {
    const rateOf = (side: Side) =>
      runs.find((r) => r.round === n && r.side === side)?.jobsPerSec ?? Number.NaN;
    return rateOf('backlot') / rateOf('raw');
  });
  return { runs, backlot, raw, ratio: median(roundRatios), roundRatios, ratioOfMedians: backlot / raw, cpu };
}

async function measurePerformLater(ctx: BenchContext) {
  const samples = ctx.flags['latency-samples'] as number;
  const backlotPrefix = benchPrefix('pl-backlot');
  const rawPrefix = benchPrefix('pl-raw');
  const producer = connect(ctx.redisUrl);
  const adapter = new BullmqAdapter({ connection: producer, prefix: backlotPrefix });
  configureBacklot({ adapter });
  const queue = new Queue(QUEUE, { connection: producer, prefix: rawPrefix });
  const backlot: number[] = [];
  const raw: number[] = [];
  const enqueueBacklot = async (into?: number[]) => {
    const t = performance.now();
    await BenchPingJob.performLater('hello');
    into?.push(performance.now() - t);
  };
  const enqueueRaw = async (into?: number[]) => {
    const t = performance.now();
    await queue.add('ping', { message: 'hello' }, RAW_JOB_OPTIONS);
    into?.push(performance.now() - t);
  };
  try {
    for (let i = 0; i < 20; i += 1) {
      await enqueueBacklot();
      await enqueueRaw();
    }
    for (let i = 0; i < samples; i += 1) {
      if (i % 2 === 0) {
        await enqueueBacklot(backlot);
        await enqueueRaw(raw);
      } else {
        await enqueueRaw(raw);
        await enqueueBacklot(backlot);
      }
    }
  } finally {
    await adapter.close();
    await queue.close();
    await deletePrefix(producer, backlotPrefix);
    await deletePrefix(producer, rawPrefix);
    await producer.quit();
  }
  return { backlot, raw };
}

async function measureEnqueueToStart(ctx: BenchContext) {
  const samples = ctx.flags['latency-samples'] as number;
  const idleMs = ctx.flags['idle-ms'] as number;
  const concurrency = ctx.flags.concurrency as number;
  const backlotPrefix = benchPrefix('e2s-backlot');
  const rawPrefix = benchPrefix('e2s-raw');
  const producer = connect(ctx.redisUrl);
  const backlotWorkerConnection = connect(ctx.redisUrl);
  const rawWorkerConnection = connect(ctx.redisUrl);
  const adapter = new BullmqAdapter({ connection: producer, prefix: backlotPrefix });
  configureBacklot({ adapter });
  const queue = new Queue(QUEUE, { connection: producer, prefix: rawPrefix });

  const started = {
    backlot: new Map<number, (at: number) => void>(),
    raw: new Map<number, (at: number) => void>(),
  };
  LatencyProbeJob.onStart = (seq, at) => started.backlot.get(seq)?.(at);
  const backlotWorker = startWorker({
    queues: [QUEUE],
    concurrency,
    connection: backlotWorkerConnection,
    prefix: backlotPrefix,
  });
  const rawWorker = new Worker(
    QUEUE,
    (job) => {
      const at = epochMs();
      started.raw.get((job.data as { seq: number }).seq)?.(at);
      return Promise.resolve();
    },
    { connection: rawWorkerConnection, prefix: rawPrefix, concurrency },
  );
  rawWorker.on('error', () => undefined);
  const workers: Record<Side, Worker> = { backlot: backlotWorker.workers[0] as Worker, raw: rawWorker };

  const one = async (side: Side, seq: number): Promise<number> => {
    await sleep(idleMs); // the worker is back in its blocking wait: idle
    const startedAt = new Promise<number>((resolve) => started[side].set(seq, resolve));
    const completed = new Promise<void>((resolve) => workers[side].once('completed', () => resolve()));
    const t0 = epochMs();
    if (side === 'backlot') await LatencyProbeJob.performLater(seq);
    else await queue.add('probe', { seq }, RAW_JOB_OPTIONS);
    const latency = (await startedAt) - t0;
    await completed;
    started[side].delete(seq);
    return latency;
  };

  const result: Record<Side, number[]> = { backlot: [], raw: [] };
  try {
    await Promise.all([workers.backlot.waitUntilReady(), workers.raw.waitUntilReady()]);
    await sleep(200);
    for (let i = 0; i < 20; i += 1) {
      await one('backlot', -1 - i);
      await one('raw', -1 - i);
    }
    for (let i = 0; i < samples; i += 1) {
      const order: Side[] = i % 2 === 0 ? ['backlot', 'raw'] : ['raw', 'backlot'];
      for (const side of order) result[side].push(await one(side, i));
    }
  } finally {
    LatencyProbeJob.onStart = undefined;
    await backlotWorker.close();
    await rawWorker.close();
    await adapter.close();
    await queue.close();
    await deletePrefix(producer, backlotPrefix);
    await deletePrefix(producer, rawPrefix);
    await Promise.all([producer, backlotWorkerConnection, rawWorkerConnection].map((c) => c.quit()));
  }
  return result;
}

/** Where tsx's ESM loader lives, for `node --import` in the child. */
function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  return pathToFileURL(join(dirname(tsxPackage), 'dist/esm/index.mjs')).href;
}

/**
 * Runs --rss-jobs jobs through a worker child process (mode 'backlot' or the 'raw' reference),
 * enqueueing in chunks while keeping the backlog bounded (--rss-backlog); resolves the child's
 * memory samples. `events`: the child runs the event bus; `nodeFlags`: extra Node flags for the
 * child (bin/worker forks its pools with POOL_NODE_FLAGS).
 */
async function measureRss(
  ctx: BenchContext,
  mode: Side,
  events?: RssWorkerConfig['events'],
  nodeFlags?: readonly string[],
) {
  const total = ctx.flags['rss-jobs'] as number;
  const reportEvery = ctx.flags['rss-report-every'] as number;
  const chunk = ctx.flags.chunk as number;
  const maxBacklog = (ctx.flags['rss-backlog'] as number) || Math.max(4 * reportEvery, 4 * chunk);
  const prefix = benchPrefix(`rss-${mode}`);
  const producer = connect(ctx.redisUrl);
  const adapter = new BullmqAdapter({ connection: producer, prefix });
  configureBacklot({ adapter });
  const queue = new Queue(QUEUE, { connection: producer, prefix });
  let seq = 0;
  const enqueue = (count: number) =>
    mode === 'backlot'
      ? Job.performAllLater(Array.from({ length: count }, () => NoopJob.build()))
      : queue.addBulk(
          Array.from({ length: count }, () => ({
            name: 'noop',
            data: rawPayload(seq++),
            opts: RAW_JOB_OPTIONS,
          })),
        );
  const config: RssWorkerConfig = {
    mode,
    prefix,
    concurrency: ctx.flags.concurrency as number,
    reportEvery,
    total,
    redisUrl: ctx.redisUrl,
    queue: QUEUE,
    ...(events ? { events } : {}),
  };
  // Compiled (npm run bench): the compiled worker, as bin/worker runs from dist/; from the sources
  // (npm run bench:tsx): under tsx's loader, as bin/worker runs without a build.
  const compiled = import.meta.url.endsWith('.mjs');
  const script = join(
    dirname(fileURLToPath(import.meta.url)),
    compiled ? 'support/rss-worker.mjs' : 'support/rss-worker.ts',
  );
  const child: ChildProcess = fork(script, [JSON.stringify(config)], {
    execArgv: [...(compiled ? ['--enable-source-maps'] : ['--import', tsxLoaderUrl()]), ...(nodeFlags ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  const samples: RssSample[] = [];
  let latest: RssSample | undefined;
  let wake: (() => void) | undefined;
  let exited: string | undefined;
  child.on('message', (message: RssSample) => {
    samples.push(message);
    latest = message;
    wake?.();
  });
  child.on('exit', (code, signal) => {
    exited = `rss-worker exited (code ${code}, signal ${signal})`;
    wake?.();
  });
  const next = async (until: (s: RssSample | undefined) => boolean) => {
    while (!until(latest)) {
      if (exited) throw new Error(exited);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  try {
    await next((s) => s?.type === 'ready');
    let enqueued = 0;
    let lastLog = 0;
    while (enqueued < total) {
      const finished = (s: RssSample | undefined) => (s?.completed ?? 0) + (s?.failed ?? 0);
      const done = finished(latest);
      if (enqueued - done >= maxBacklog) {
        await next((s) => finished(s) > done);
        if (finished(latest) - lastLog >= total / 4) {
          lastLog = finished(latest);
          ctx.log(`rss ${mode}: ${lastLog} jobs done, rss ${((latest?.rss ?? 0) / MB).toFixed(1)} MB`);
        }
        continue;
      }
      const count = Math.min(chunk, total - enqueued);
      await enqueue(count);
      enqueued += count;
    }
    await next((s) => (s?.completed ?? 0) + (s?.failed ?? 0) >= total && s?.type === 'rss');
    child.send({ type: 'stop' });
    await next((s) => s?.type === 'stopped');
    await new Promise<void>((resolve) => (exited ? resolve() : child.once('exit', () => resolve())));
    return samples;
  } finally {
    if (!exited) child.kill('SIGKILL');
    await adapter.close();
    await queue.close();
    await deletePrefix(producer, prefix);
    if (events) await deletePrefix(producer, events.prefix);
    await producer.quit();
  }
}

/** The RSS worker's rate: jobs / (ready -> the report of the last job). */
function jobsPerSec(samples: RssSample[], total: number): number | null {
  const ready = samples.find((s) => s.type === 'ready');
  const last = samples.find((s) => s.type === 'rss' && s.completed + s.failed >= total);
  if (!ready || !last || last.at <= ready.at) return null;
  return Math.round((total * 1000) / (last.at - ready.at));
}

function rssSummary(samples: RssSample[], total: number) {
  const progress = samples.filter((s) => s.type === 'rss');
  const at = (fraction: number) => progress.find((s) => s.completed + s.failed >= fraction * total);
  const mb = (bytes: number | undefined) => (bytes === undefined ? null : round(bytes / MB, 1));
  const secondHalf = progress
    .filter((s) => s.completed + s.failed >= total / 2)
    .map((s) => [(s.completed + s.failed) / 10_000, s.rss / MB] as const);
  const peakSampled = Math.max(...samples.map((s) => s.rss));
  const peakKernel = Math.max(...samples.map((s) => s.maxRss));
  return {
    peakMB: mb(Math.max(peakSampled, peakKernel)),
    peakSampledMB: mb(peakSampled),
    peakKernelMaxRssMB: mb(peakKernel),
    readyMB: mb(samples.find((s) => s.type === 'ready')?.rss),
    at25MB: mb(at(0.25)?.rss),
    at50MB: mb(at(0.5)?.rss),
    at75MB: mb(at(0.75)?.rss),
    at100MB: mb(at(1)?.rss),
    secondHalfSlopeMBPer10k: round(slope(secondHalf), 2),
    heapUsedMaxMB: mb(Math.max(...samples.map((s) => s.heapUsed))),
    jobsPerSec: jobsPerSec(samples, total),
    failed: Math.max(0, ...samples.map((s) => s.failed)),
    samples: samples.map((s) => ({
      type: s.type,
      completed: s.completed,
      rssMB: mb(s.rss),
      heapUsedMB: mb(s.heapUsed),
      heapTotalMB: mb(s.heapTotal),
      externalMB: mb(s.external),
      ...(s.events ? { events: s.events } : {}),
      maxRssMB: mb(s.maxRss),
    })),
  };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} jobs/s`;

export default defineBenchmark({
  description:
    'Backlot vs raw BullMQ processing rate (alternating rounds), enqueue and enqueue-to-start latency, worker RSS',
  flags: {
    jobs: { min: 1, default: 20_000, description: 'no-op jobs per side per round' },
    concurrency: {
      min: 1,
      default: 50,
      description: 'worker concurrency (both sides, latency and RSS workers)',
    },
    rounds: {
      min: 1,
      default: 9,
      description:
        'measured rounds; sides alternate A,B then B,A; the ratio is the median of the per-round ratios',
    },
    warmup: {
      default: 20_000,
      description:
        'jobs per side in an unmeasured warm-up round (0: none); with 2,000 the first measured Backlot rounds still ran ~30% slower than later ones',
    },
    'raw-metrics': {
      default: 1,
      description:
        "1: the raw BullMQ worker records BullMQ metrics as Backlot's worker does (WORKER_METRICS); 0: a raw worker without them",
    },
    chunk: { min: 1, default: 1_000, description: 'jobs per performAllLater / addBulk call' },
    'latency-samples': { default: 500, description: 'sequential jobs for each latency figure (0: skip)' },
    'idle-ms': {
      default: 10,
      description: 'pause before each enqueue-to-start sample, so the worker is idle',
    },
    'rss-jobs': { default: 100_000, description: 'jobs through the RSS worker process (0: skip)' },
    'rss-raw': {
      default: 1,
      description: 'also measure a raw BullMQ worker process as an RSS reference (1: yes, 0: no)',
    },
    'rss-default-flags': {
      default: 1,
      description:
        "also run the RSS worker without POOL_NODE_FLAGS (V8's default young generation), side by side (1: yes, 0: no)",
    },
    'rss-backlog': {
      default: 0,
      description:
        'jobs waiting at most while the RSS worker runs (0: 4 reports worth); --rss-backlog 100000 enqueues all 100,000 at once, as an operator filling a queue does',
    },
    'rss-report-every': {
      min: 1,
      default: 5_000,
      description: 'the RSS worker reports memory every this many completions',
    },
    events: {
      default: 0,
      description:
        '1: the framework publishes its job events to a Redis stream, as bin/worker does (config/backlot.ts events: publish); 0: no event bus',
    },
    'log-warn': {
      default: 0,
      description:
        "1: Backlot's logger at 'warn' (LOG_LEVEL=warn: no per-job INFO lines), to see what those lines cost; 0: 'info', as in production",
    },
  },

  async run(ctx) {
    const logLevel = ctx.flags['log-warn'] ? 'warn' : 'info';
    configureBacklot({ logger: await backlotLogger(logLevel) });
    // --events 1: job events go through the broker to a Redis stream of their own, as in bin/worker.
    const eventsPrefix = benchPrefix('tp-events');
    const bus = ctx.flags.events
      ? startEventBus({ redis: { url: ctx.redisUrl, prefix: eventsPrefix } })
      : undefined;
    try {
      return await measureAll(ctx, logLevel, bus !== undefined);
    } finally {
      if (bus) {
        await bus.stop();
        const redis = connect(ctx.redisUrl);
        await deletePrefix(redis, eventsPrefix);
        await redis.quit();
      }
    }
  },
});

/** Every measurement of one run: the table rows, the metrics and the notes. */
async function measureAll(ctx: BenchContext, logLevel: 'info' | 'warn', events: boolean) {
  const f = ctx.flags;
  const rows: BenchRow[] = [];
  const metrics: Record<string, unknown> = {
    config: {
      ...f,
      queue: QUEUE,
      retention: DEFAULT_RETENTION,
      logging: `pino level '${logLevel}' -> logDestination('/dev/null') (config/logger.ts: one write per event-loop turn)`,
      rawMetrics: f['raw-metrics']
        ? 'raw worker records BullMQ metrics (WORKER_METRICS), as Backlot does'
        : 'raw worker without BullMQ metrics',
      runtime: RUNTIME,
      events: events ? 'job events published to a Redis stream (as bin/worker)' : 'no event bus',
    },
  };

  const tp = await measureThroughput(ctx);
  const payloadBytes = {
    backlot: JSON.stringify(NoopJob.build().serialize()).length,
    raw: JSON.stringify(rawPayload(12_345)).length,
  };
  metrics.throughput = {
    backlotJobsPerSec: round(tp.backlot, 0),
    rawJobsPerSec: round(tp.raw, 0),
    ratio: round(tp.ratio, 3),
    roundRatios: tp.roundRatios.map((r) => round(r, 3)),
    ratioOfMedians: round(tp.ratioOfMedians, 3),
    target: '>= 0.9 (median of the per-round ratios)',
    backlotCpuUsPerJob: round(tp.cpu.backlot, 1),
    rawCpuUsPerJob: round(tp.cpu.raw, 1),
    payloadBytes,
    runs: tp.runs.map((r) => ({
      ...r,
      enqueueMs: round(r.enqueueMs, 0),
      processMs: round(r.processMs, 0),
      jobsPerSec: round(r.jobsPerSec, 0),
      cpuUsPerJob: round(r.cpuUsPerJob, 1),
    })),
  };
  const perSide = (side: Side) =>
    tp.runs
      .filter((r) => r.side === side)
      .map((r) => Math.round(r.jobsPerSec))
      .join(', ');
  const tpSection = `throughput: ${f.jobs} no-op jobs, concurrency ${f.concurrency}, median of ${f.rounds}`;
  rows.push(
    {
      section: tpSection,
      metric: 'Backlot (NoopJob, startWorker)',
      value: rate(tp.backlot),
      target: `rounds: ${perSide('backlot')}`,
    },
    {
      section: '',
      metric: 'raw BullMQ (addBulk, Worker)',
      value: rate(tp.raw),
      target: `rounds: ${perSide('raw')}`,
    },
    {
      section: '',
      metric: 'ratio backlot / raw, median of rounds',
      value: tp.ratio.toFixed(3),
      target: `>= 0.90; rounds: ${tp.roundRatios.map((r) => r.toFixed(3)).join(', ')}`,
      pass: tp.ratio >= 0.9,
    },
    {
      section: '',
      metric: 'ratio of the median rates',
      value: tp.ratioOfMedians.toFixed(3),
      target: 'the same sides, paired across rounds (more exposed to load changes between rounds)',
    },
    {
      section: '',
      metric: 'worker-side CPU per job, median',
      value: `${Math.round(tp.cpu.backlot)} / ${Math.round(tp.cpu.raw)} µs`,
      target: 'backlot / raw (this process; less noisy than rates)',
    },
  );

  if ((f['latency-samples'] as number) > 0) {
    ctx.log(`performLater latency: ${f['latency-samples']} sequential enqueues per side`);
    const pl = await measurePerformLater(ctx);
    metrics.performLater = {
      samples: pl.backlot.length,
      backlotP50Ms: round(percentile(pl.backlot, 50), 3),
      backlotP99Ms: round(percentile(pl.backlot, 99), 3),
      rawAddP50Ms: round(percentile(pl.raw, 50), 3),
      rawAddP99Ms: round(percentile(pl.raw, 99), 3),
    };
    const section = `performLater latency: ${pl.backlot.length} sequential`;
    rows.push(
      {
        section,
        metric: 'Backlot performLater p50',
        value: ms(percentile(pl.backlot, 50)),
        target: `raw Queue.add p50 ${ms(percentile(pl.raw, 50))}`,
      },
      {
        section: '',
        metric: 'Backlot performLater p99',
        value: ms(percentile(pl.backlot, 99)),
        target: `raw Queue.add p99 ${ms(percentile(pl.raw, 99))}`,
      },
    );

    ctx.log(`enqueue-to-start latency: ${f['latency-samples']} sequential jobs per side, idle workers`);
    const e2s = await measureEnqueueToStart(ctx);
    const p50 = percentile(e2s.backlot, 50);
    metrics.enqueueToStart = {
      samples: e2s.backlot.length,
      idleMs: f['idle-ms'],
      backlotP50Ms: round(p50, 3),
      backlotP99Ms: round(percentile(e2s.backlot, 99), 3),
      rawP50Ms: round(percentile(e2s.raw, 50), 3),
      rawP99Ms: round(percentile(e2s.raw, 99), 3),
      target: 'p50 < 5 ms',
    };
    const e2sSection = `enqueue-to-start, idle worker: ${e2s.backlot.length} sequential`;
    rows.push(
      { section: e2sSection, metric: 'Backlot p50', value: ms(p50), target: '< 5 ms', pass: p50 < 5 },
      { section: '', metric: 'Backlot p99', value: ms(percentile(e2s.backlot, 99)) },
      {
        section: '',
        metric: 'raw BullMQ p50 / p99 (reference)',
        value: `${ms(percentile(e2s.raw, 50))} / ${ms(percentile(e2s.raw, 99))}`,
      },
    );
  }

  if ((f['rss-jobs'] as number) > 0) {
    ctx.log(`worker RSS: ${f['rss-jobs']} jobs through a worker process (bench/support/rss-worker.ts)`);
    const busFor = () => (events ? { prefix: benchPrefix('rss-events') } : undefined);
    // As bin/worker runs a pool: with its Node flags, and (--events 1) the event bus on.
    const rss = rssSummary(
      await measureRss(ctx, 'backlot', busFor(), POOL_NODE_FLAGS),
      f['rss-jobs'] as number,
    );
    metrics.rss = {
      jobs: f['rss-jobs'],
      concurrency: f.concurrency,
      nodeFlags: POOL_NODE_FLAGS,
      events: events,
      target: 'peak < 150 MB, no upward trend',
      ...rss,
    };
    // The same without the pool's Node flags (V8's default young generation), as before them.
    let defaultFlagsRss: ReturnType<typeof rssSummary> | undefined;
    if (f['rss-default-flags']) {
      ctx.log(`worker RSS without POOL_NODE_FLAGS: ${f['rss-jobs']} jobs`);
      defaultFlagsRss = rssSummary(await measureRss(ctx, 'backlot', busFor()), f['rss-jobs'] as number);
      metrics.rssDefaultNodeFlags = { jobs: f['rss-jobs'], nodeFlags: [], ...defaultFlagsRss };
    }
    let rawRss: ReturnType<typeof rssSummary> | undefined;
    if (f['rss-raw']) {
      ctx.log(`worker RSS reference: ${f['rss-jobs']} jobs through a raw BullMQ worker process`);
      rawRss = rssSummary(await measureRss(ctx, 'raw'), f['rss-jobs'] as number);
      metrics.rssRawReference = { jobs: f['rss-jobs'], concurrency: f.concurrency, ...rawRss };
    }
    const section = `worker process RSS: ${(f['rss-jobs'] as number).toLocaleString('en-US')} jobs, concurrency ${f.concurrency}${events ? ', event bus on' : ''}`;
    const peak = rss.peakMB ?? Number.NaN;
    rows.push(
      {
        section,
        metric: `peak RSS (${POOL_NODE_FLAGS.join(' ')}, as bin/worker)`,
        value: `${peak} MB`,
        target: `< 150 MB; ${rss.jobsPerSec} jobs/s`,
        pass: peak < 150,
      },
      {
        section: '',
        metric: 'RSS at ready / 25 / 50 / 75 / 100 %',
        value: `${rss.readyMB} / ${rss.at25MB} / ${rss.at50MB} / ${rss.at75MB} / ${rss.at100MB} MB`,
      },
      {
        section: '',
        metric: 'trend (slope, second half)',
        value: `${rss.secondHalfSlopeMBPer10k} MB per 10k jobs`,
        target: '< 2 MB per 10k (no upward trend)',
        pass: rss.secondHalfSlopeMBPer10k < 2,
      },
    );
    if (defaultFlagsRss) {
      rows.push({
        section: '',
        metric: "peak RSS, V8's default flags (before)",
        value: `${defaultFlagsRss.peakMB} MB`,
        target: `heap used at most ${defaultFlagsRss.heapUsedMaxMB} MB (with the flags ${rss.heapUsedMaxMB} MB); ${defaultFlagsRss.jobsPerSec} jobs/s`,
      });
    }
    if (rawRss) {
      rows.push({
        section: '',
        metric: 'raw BullMQ worker process (reference)',
        value: `peak ${rawRss.peakMB} MB, at ready ${rawRss.readyMB} MB`,
        target: `trend ${rawRss.secondHalfSlopeMBPer10k} MB per 10k jobs`,
      });
    }
  }

  const plotRounds = [...new Set(tp.runs.map((r) => r.round))].map((n) => {
    const rateOf = (side: Side) => tp.runs.find((r) => r.round === n && r.side === side)?.jobsPerSec ?? 0;
    return { round: n, backlot: rateOf('backlot'), raw: rateOf('raw') };
  });
  const flagLine = Object.entries(f)
    .map(([k, v]) => `--${k} ${v}`)
    .join(' ');
  return {
    metrics,
    ratio: round(tp.ratio, 3),
    rows,
    files: {
      [THROUGHPUT_PLOT]: throughputPlot({
        rounds: plotRounds,
        ratio: tp.ratio,
        caption: [
          `${new Date().toISOString().slice(0, 10)}, ${RUNTIME}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at the end`,
          `${f.jobs} no-op jobs per side per round, concurrency ${f.concurrency}, log level ${logLevel}${events ? ', event bus on' : ''}`,
          `npm run bench -- throughput ${flagLine}`,
        ],
      }),
    },
    notes: [
      `runtime: ${RUNTIME}; both sides run in this process (and the RSS workers as such child processes)`,
      logLevel === 'info'
        ? "Backlot logs an INFO line per enqueue, start and finish through pino at level 'info' into the production destination (config/logger.ts logDestination) opened on /dev/null: the logging cost is counted as in production."
        : "--log-warn 1: Backlot's logger at 'warn', so no per-job INFO lines are written (what LOG_LEVEL=warn gives in production); the default run counts them.",
      events
        ? '--events 1: the framework publishes job.enqueued/started/finished through the event broker to a Redis stream (batched XADD pipelines), as bin/worker does.'
        : 'No event bus (the default): bin/worker also publishes job events to a Redis stream; --events 1 measures that too.',
      `Rate = jobs / (worker start -> last completion); queues are filled first (not timed). Payload: Backlot ${payloadBytes.backlot} bytes, raw ${payloadBytes.raw} bytes; both sides keep completed jobs as Backlot's DEFAULT_RETENTION says${f['raw-metrics'] ? " and record BullMQ's per-minute metrics as Backlot's worker does (--raw-metrics 0: the raw side without them)" : '; --raw-metrics 0: the raw side records no BullMQ metrics while Backlot does'}. Warm-up: ${f.warmup} jobs per side, not counted.`,
      'Targets are information: a miss never makes this command fail. The machine is shared and noisy; compare ratios from one run.',
    ],
  };
}
