/**
 * concurrency: what concurrency keys (limitsConcurrency) cost.
 *
 * 1. Rate: --jobs jobs over --keys keys (job i has key i % keys), each sleeping --work-ms, through
 *    one in-process worker of --concurrency slots: KeyedJob (to: 1 per key) against UnkeyedJob (the
 *    same job without the declaration), a fresh prefix per side, sides alternating per round; rate =
 *    jobs / (worker start -> last completion), enqueueing done before. Ratio = median of per-round
 *    keyed/unkeyed ratios (target >= 0.7).
 * 2. Hand-over latency: a holder of one key runs --hold-ms while a second job of the key waits
 *    parked; latency = the waiter's perform start - the holder's perform end (epoch ms), --samples
 *    times; p50 (target < 10 ms).
 *
 * Example: npm run bench -- concurrency --jobs 10000 --keys 100 --rounds 3
 */
import { performance } from 'node:perf_hooks';
import type { Worker } from 'bullmq';
import { pino } from 'pino';
import { BullmqAdapter, Job, configureBacklot, registerJobs, startWorker } from '../app/framework/index';
import { logDestination } from '../config/logger';
import { defineBenchmark, epochMs, sleep, type BenchContext } from './support/benchmark';
import { countFinished } from './support/finished';
import { benchPrefix, connect, deletePrefix } from './support/redis';
import { median, percentile, round } from './support/stats';

const QUEUE = 'default';

/** Sleeps `ms`: the work the jobs do. */
class UnkeyedJob extends Job {
  async perform(_key: number, ms: number): Promise<void> {
    if (ms > 0) await sleep(ms);
  }
}

/** The same job, one at a time per key. */
class KeyedJob extends UnkeyedJob {
  static {
    this.limitsConcurrency({ to: 1, key: (key: number) => `k${key}`, duration: 60 });
  }
}

/** Records its perform's start and end (epoch ms) for the hand-over latency. */
class HandOverJob extends Job {
  static started = new Map<string, number>();
  static ended = new Map<string, number>();
  static {
    this.limitsConcurrency({ to: 1, key: () => 'hand-over', duration: 60 });
  }
  async perform(marker: string, ms: number): Promise<void> {
    HandOverJob.started.set(marker, epochMs());
    await sleep(ms);
    HandOverJob.ended.set(marker, epochMs());
  }
}

registerJobs([UnkeyedJob, KeyedJob, HandOverJob]);

async function quietLogger(): Promise<pino.Logger> {
  const destination = logDestination('/dev/null');
  await destination.ready();
  return pino({ level: 'warn' }, destination);
}

function whenFinished(workers: readonly Worker[], total: number): Promise<number> {
  return new Promise((resolve) => {
    countFinished(workers, ({ completed, failed }) => {
      if (completed + failed === total) resolve(failed);
    });
  });
}

async function withPrefix<T>(
  ctx: BenchContext,
  label: string,
  run: (prefix: string) => Promise<T>,
): Promise<T> {
  const prefix = benchPrefix(label);
  const producer = connect(ctx.redisUrl);
  const adapter = new BullmqAdapter({ connection: producer, prefix });
  configureBacklot({ adapter, logger: await quietLogger() });
  try {
    return await run(prefix);
  } finally {
    await adapter.close();
    await deletePrefix(producer, prefix);
    await producer.quit();
  }
}

async function rateOf(ctx: BenchContext, cls: typeof UnkeyedJob): Promise<number> {
  const { jobs, keys, concurrency } = ctx.flags as { jobs: number; keys: number; concurrency: number };
  const workMs = ctx.flags['work-ms'] as number;
  return withPrefix(ctx, `cc-${cls.name}`, async (prefix) => {
    for (let from = 0; from < jobs; from += 1000)
      await Job.performAllLater(
        Array.from({ length: Math.min(1000, jobs - from) }, (_, i) => cls.build((from + i) % keys, workMs)),
      );
    ctx.gc();
    const connection = connect(ctx.redisUrl);
    const t0 = performance.now();
    const worker = startWorker({ queues: [QUEUE], concurrency, connection, prefix });
    const failed = await whenFinished(worker.workers, jobs);
    const elapsed = performance.now() - t0;
    await worker.close();
    await connection.quit();
    if (failed > 0) throw new Error(`${failed} ${cls.name} jobs failed`);
    return (jobs / elapsed) * 1000;
  });
}

async function handOverLatencies(ctx: BenchContext): Promise<number[]> {
  const samples = ctx.flags.samples as number;
  const holdMs = ctx.flags['hold-ms'] as number;
  return withPrefix(ctx, 'cc-hand-over', async (prefix) => {
    const connection = connect(ctx.redisUrl);
    const worker = startWorker({ queues: [QUEUE], concurrency: 4, connection, prefix });
    const latencies: number[] = [];
    try {
      for (let i = 0; i < samples; i += 1) {
        await HandOverJob.performLater(`holder${i}`, holdMs);
        while (!HandOverJob.started.has(`holder${i}`)) await sleep(1);
        await HandOverJob.performLater(`waiter${i}`, 0);
        while (!HandOverJob.started.has(`waiter${i}`)) await sleep(1);
        latencies.push(
          (HandOverJob.started.get(`waiter${i}`) ?? 0) - (HandOverJob.ended.get(`holder${i}`) ?? 0),
        );
      }
    } finally {
      await worker.close();
      await connection.quit();
    }
    return latencies;
  });
}

export default defineBenchmark({
  description: 'concurrency keys: keyed vs unkeyed jobs/s, and the hand-over latency when a slot frees',
  flags: {
    jobs: { default: 10_000, description: 'jobs per side per round', min: 1 },
    keys: { default: 100, description: 'distinct concurrency keys', min: 1 },
    concurrency: { default: 50, description: 'worker slots', min: 1 },
    'work-ms': { default: 2, description: 'ms each job sleeps' },
    rounds: { default: 3, description: 'rounds (sides alternate)', min: 1 },
    samples: { default: 50, description: 'hand-over samples', min: 1 },
    'hold-ms': { default: 30, description: 'ms the holder runs while the waiter is parked', min: 1 },
  },
  async run(ctx) {
    const rounds = ctx.flags.rounds as number;
    const keyed: number[] = [];
    const unkeyed: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      const order = r % 2 === 0 ? [KeyedJob, UnkeyedJob] : [UnkeyedJob, KeyedJob];
      const rates = new Map<typeof UnkeyedJob, number>();
      for (const cls of order) {
        const rate = await rateOf(ctx, cls);
        rates.set(cls, rate);
        ctx.log(`round ${r + 1}: ${cls.name} ${round(rate, 0)} jobs/s`);
      }
      keyed.push(rates.get(KeyedJob) ?? 0);
      unkeyed.push(rates.get(UnkeyedJob) ?? 0);
      ratios.push((rates.get(KeyedJob) ?? 0) / (rates.get(UnkeyedJob) ?? 1));
    }
    const ratio = median(ratios);
    const latencies = await handOverLatencies(ctx);
    const p50 = percentile(latencies, 50);
    return {
      metrics: { keyed, unkeyed, ratios, handOverMs: latencies, flags: ctx.flags },
      ratio,
      rows: [
        { section: 'rate', metric: 'keyed jobs/s (median)', value: String(round(median(keyed), 0)) },
        { section: 'rate', metric: 'unkeyed jobs/s (median)', value: String(round(median(unkeyed), 0)) },
        {
          section: 'rate',
          metric: 'keyed / unkeyed',
          value: String(round(ratio, 2)),
          target: '>= 0.7',
          pass: ratio >= 0.7,
        },
        {
          section: 'hand-over',
          metric: 'waiter start - holder end p50 (ms)',
          value: String(round(p50, 1)),
          target: '< 10',
          pass: p50 < 10,
        },
        { section: 'hand-over', metric: 'p90 (ms)', value: String(round(percentile(latencies, 90), 1)) },
      ],
    };
  },
});
