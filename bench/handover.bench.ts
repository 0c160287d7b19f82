/**
 * handover: how long a queue under a global concurrency limit of 1 (bulk_update) sits idle with a
 * job waiting when the worker that ran the last job stops and another worker must take the next.
 *
 * Per round, for each drain delay compared (BullMQ's default 5 s, then Backlot's
 * WORKER_DRAIN_DELAY_S): a fresh prefix, global concurrency 1, two workers (startWorker, one slot
 * each, own connections) waiting; a job of --job-ms and a second one are enqueued; the worker that
 * starts the first is closed at once (it finishes that job and takes nothing more); gap = the
 * second job's start - the first job's end (both measured in this process).
 *
 * Example: npm run bench -- handover --rounds 5
 */
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import {
  BullmqAdapter,
  configureBacklot,
  Job,
  registerJobs,
  startWorker,
  WORKER_DRAIN_DELAY_S,
  type RunningWorker,
} from '../app/framework/index';
import { defineBenchmark, sleep, type BenchContext, type BenchRow } from './support/benchmark';
import { benchPrefix, connect, deletePrefix } from './support/redis';
import { median, round } from './support/stats';

const QUEUE = 'bulk_update';
/** BullMQ's own drainDelay (Worker's default), the figure before Backlot set its own. */
const BULLMQ_DEFAULT_DRAIN_DELAY_S = 5;

/** Sleeps `ms`; the bench's hooks record when it starts and ends. */
class HandoverJob extends Job {
  static {
    this.queueAs(QUEUE);
  }
  async perform(ms: number): Promise<void> {
    await sleep(ms);
  }
}
registerJobs([HandoverJob]);

interface Timing {
  worker: number;
  start: number;
  end?: number;
}

/** One handover; resolves the idle gap in ms. */
async function handover(ctx: BenchContext, drainDelay: number): Promise<number> {
  const prefix = benchPrefix('handover');
  const producer = connect(ctx.redisUrl);
  const adapter = new BullmqAdapter({ connection: producer, prefix });
  configureBacklot({ adapter, logger: pino({ level: 'silent' }) });
  await adapter.queue(QUEUE).setGlobalConcurrency(1);
  const timings = new Map<string, Timing>();
  const workers: RunningWorker[] = [0, 1].map((index) =>
    startWorker({
      queues: [QUEUE],
      concurrency: 1,
      connection: connect(ctx.redisUrl),
      prefix,
      drainDelay,
      hooks: {
        onStart: (job) => void timings.set(job.jobId, { worker: index, start: performance.now() }),
        onEnd: (job) => {
          const timing = timings.get(job.jobId);
          if (timing) timing.end = performance.now();
        },
      },
    }),
  );
  try {
    await Promise.all(workers.flatMap((w) => w.workers.map((bull) => bull.waitUntilReady())));
    await sleep(200); // both block on the queue before the jobs exist
    const first = await HandoverJob.performLater(Number(ctx.flags['job-ms']));
    const second = await HandoverJob.performLater(1);
    const ran = async (id: string) => {
      for (let i = 0; i < 3_000 && timings.get(id)?.end === undefined; i += 1) await sleep(5);
      const timing = timings.get(id);
      if (timing?.end === undefined) throw new Error(`job ${id} did not run within 15 s`);
      return timing;
    };
    while (!timings.has(first.jobId)) await sleep(1);
    const runner = timings.get(first.jobId)?.worker ?? 0;
    const closing = workers[runner]?.close();
    const one = await ran(first.jobId);
    const two = await ran(second.jobId);
    await closing;
    if (two.worker === runner) throw new Error('the closing worker took the second job');
    return two.start - (one.end ?? two.start);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await adapter.close();
    await deletePrefix(producer, prefix);
    await producer.quit();
  }
}

export default defineBenchmark({
  description:
    'idle gap on a queue with global concurrency 1 when the worker that ran the last job stops and another takes the next',
  flags: {
    rounds: { min: 1, default: 5, description: 'handovers per drain delay' },
    'job-ms': { min: 1, default: 300, description: 'how long the first job runs' },
  },
  async run(ctx) {
    const delays = [BULLMQ_DEFAULT_DRAIN_DELAY_S, WORKER_DRAIN_DELAY_S];
    const gaps: Record<string, number[]> = {};
    for (let round = 1; round <= (ctx.flags.rounds ?? 5); round += 1) {
      for (const delay of delays) {
        const gap = await handover(ctx, delay);
        (gaps[`${delay}`] ??= []).push(gap);
        ctx.log(`  round ${round}, drainDelay ${delay} s: gap ${Math.round(gap)} ms`);
      }
    }
    const rows: BenchRow[] = delays.map((delay, i) => {
      const list = gaps[`${delay}`] ?? [];
      return {
        section: i === 0 ? `handover on ${QUEUE} (global concurrency 1), ${ctx.flags.rounds} rounds` : '',
        metric:
          delay === BULLMQ_DEFAULT_DRAIN_DELAY_S
            ? `drainDelay ${delay} s (BullMQ's default, before)`
            : `drainDelay ${delay} s (WORKER_DRAIN_DELAY_S, now)`,
        value: `median ${Math.round(median(list))} ms`,
        target: `max ${Math.round(Math.max(...list))} ms; rounds: ${list.map((g) => Math.round(g)).join(', ')}`,
      };
    });
    return {
      metrics: Object.fromEntries(
        delays.map((delay) => [
          `drainDelay${delay}s`,
          { gapsMs: (gaps[`${delay}`] ?? []).map((g) => round(g, 0)) },
        ]),
      ),
      ratio: null,
      rows,
      notes: [
        'The worker that ran the first job is closing, so BullMQ fetches nothing after it and wakes nobody: the other worker, refused while the queue was at its limit, sees the job when its blocking read times out (drainDelay).',
      ],
    };
  },
});
