/**
 * outbox: transactional enqueue (Job.inTransaction, app/framework/outbox/) against direct
 * performLater, the relay's throughput, and commit-to-start latency, side by side in one run on a
 * scratch database and the bench Redis.
 *
 * Steps:
 *   1. A scratch database (created, migrated, dropped at the end), the app's Prisma client on it
 *      (createPrismaClient, as app code uses), a BullMQ adapter on a fresh prefix.
 *   2. Enqueue, per round, both sides back to back (order alternating), after a warm-up:
 *      - direct: `await NoopJob.performLater()` --jobs times (one Redis round trip each);
 *      - in a scope: `await NoopJob.performLater()` --jobs times inside one
 *        `transaction(prisma, fn)` scope (buffered; one INSERT for all when fn returns), then its
 *        COMMIT (counted in the time): the transactional path with the 0.5x target;
 *      - in a transaction, per statement: `await NoopJob.inTransaction(tx).performLater()` --jobs
 *        times inside one open Prisma transaction (one INSERT each), then its COMMIT (counted).
 *      Each ratio (side jobs/s / direct jobs/s) is the median of the rounds' ratios.
 *      Both sides have the same shape (one job per call, awaited one after another); the bulk
 *      shape is compared too, again the same on both sides: `Job.performAllLater(--batch jobs)`
 *      direct vs with { transaction: tx } (one INSERT per call) in one open transaction.
 *      The floor of the transactional side, in the same rounds: `tx.$executeRawUnsafe('SELECT 1')`
 *      --jobs times in one open Prisma transaction (a statement that does nothing, so what is left
 *      is Prisma's interactive transaction and adapter-pg), and an empty `$transaction`. The
 *      ceiling ratio = floor statements/s / direct jobs/s: no staging that sends one statement per
 *      performLater through Prisma can be faster than that.
 *      For reference: one transaction per job (BEGIN, INSERT, COMMIT), which has no target.
 *   3. Relay: --relay jobs staged (performAllLater in transactions of 5,000, not timed), then one
 *      relay (batches of 1,000) moves them to BullMQ: jobs/s from its start to an empty outbox.
 *   4. Latency: a worker (in this process, concurrency 1) and the relay idle (sweep an hour away,
 *      so only the commit's NOTIFY wakes it); --probes transactions one after another, each staging
 *      one job: commit-to-start = perform's start - the moment $transaction resolved (p50, p99).
 *
 * Example: npm run bench -- outbox
 *          npm run bench -- outbox --jobs 1000 --relay 10000 --probes 100 --rounds 1
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDatabaseIfMissing, dropDatabase, migrateDeploy } from '../app/db/admin';
import { createPrismaClient } from '../app/db/client';
import {
  BullmqAdapter,
  configureBacklot,
  Job,
  startOutboxRelay,
  startWorker,
  transaction,
  type OutboxRelay,
} from '../app/framework/index';
import { withDatabase } from '../config/database-url';
import { env } from '../config/env';
import { defineBenchmark, epochMs, type BenchRow } from './support/benchmark';
import { LatencyProbeJob, NoopJob } from './support/jobs';
import { benchPrefix, benchRedisUrl, connect, deletePrefix } from './support/redis';
import { median, percentile, round } from './support/stats';

const RELAY_TARGET = 10_000;
const P50_TARGET_MS = 10;
const RATIO_TARGET = 0.5;
const TX_OPTIONS = { timeout: 600_000, maxWait: 10_000 };

type Prisma = ReturnType<typeof createPrismaClient>;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function direct(jobs: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < jobs; i += 1) await NoopJob.performLater();
  return jobs / ((performance.now() - t0) / 1000);
}

async function inTransaction(prisma: Prisma, jobs: number): Promise<number> {
  const t0 = performance.now();
  await prisma.$transaction(async (tx) => {
    for (let i = 0; i < jobs; i += 1) await NoopJob.inTransaction(tx).performLater();
  }, TX_OPTIONS);
  return jobs / ((performance.now() - t0) / 1000);
}

/** The scope: every performLater buffered, one INSERT when the callback returns, then COMMIT. */
async function inScope(prisma: Prisma, jobs: number): Promise<number> {
  const t0 = performance.now();
  await transaction(
    prisma,
    async () => {
      for (let i = 0; i < jobs; i += 1) await NoopJob.performLater();
    },
    TX_OPTIONS,
  );
  return jobs / ((performance.now() - t0) / 1000);
}

async function directBulk(jobs: number, batch: number): Promise<number> {
  const t0 = performance.now();
  for (let done = 0; done < jobs; done += batch)
    await Job.performAllLater(Array.from({ length: Math.min(batch, jobs - done) }, () => NoopJob.build()));
  return jobs / ((performance.now() - t0) / 1000);
}

async function inTransactionBulk(prisma: Prisma, jobs: number, batch: number): Promise<number> {
  const t0 = performance.now();
  await prisma.$transaction(async (tx) => {
    for (let done = 0; done < jobs; done += batch) {
      const built = Array.from({ length: Math.min(batch, jobs - done) }, () => NoopJob.build());
      await Job.performAllLater(built, { transaction: tx });
    }
  }, TX_OPTIONS);
  return jobs / ((performance.now() - t0) / 1000);
}

/** Prisma's own cost per statement in an open interactive transaction (a statement doing nothing). */
async function prismaStatementFloor(prisma: Prisma, statements: number): Promise<number> {
  const t0 = performance.now();
  await prisma.$transaction(async (tx) => {
    for (let i = 0; i < statements; i += 1) await tx.$executeRawUnsafe('SELECT 1');
  }, TX_OPTIONS);
  return statements / ((performance.now() - t0) / 1000);
}

/** Empty interactive transactions (BEGIN, COMMIT) one after another: µs each. */
async function emptyTransactionMicros(prisma: Prisma, count: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i += 1) await prisma.$transaction(async () => {});
  return ((performance.now() - t0) * 1000) / count;
}

async function transactionPerJob(prisma: Prisma, jobs: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < jobs; i += 1)
    await prisma.$transaction((tx) => NoopJob.inTransaction(tx).performLater());
  return jobs / ((performance.now() - t0) / 1000);
}

async function emptyOutbox(pool: pg.Pool): Promise<void> {
  await pool.query('DELETE FROM job_outbox');
}

export default defineBenchmark({
  description:
    'transactional enqueue through the PostgreSQL outbox vs direct performLater, relay jobs/s, commit-to-start latency',
  flags: {
    jobs: { default: 3_000, min: 1, description: 'jobs per enqueue side per round' },
    relay: { default: 50_000, min: 1, description: 'jobs staged, then moved by the relay' },
    probes: { default: 300, min: 1, description: 'commit-to-start latency probes' },
    rounds: { default: 3, min: 1, description: 'enqueue rounds, the order of the sides alternating' },
    batch: { default: 100, min: 1, description: 'jobs per performAllLater call in the bulk shape' },
  },
  async run(ctx) {
    const {
      jobs,
      relay: relayJobs,
      probes,
      rounds,
      batch,
    } = ctx.flags as {
      jobs: number;
      relay: number;
      probes: number;
      rounds: number;
      batch: number;
    };
    const url = withDatabase(env().DATABASE_URL, `backlot_bench_outbox_${randomBytes(3).toString('hex')}`);
    ctx.log(`scratch database ${url.replace(/\/\/[^@]*@/, '//')}: creating and migrating`);
    await createDatabaseIfMissing(url);
    const prefix = benchPrefix('outbox');
    const redis = connect(benchRedisUrl());
    const adapter = new BullmqAdapter({ connection: connect(benchRedisUrl()), ownsConnection: true, prefix });
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const prisma = createPrismaClient(url);
    configureBacklot({ adapter, queues: ['default'] });
    const openSession = () => new pg.Client({ connectionString: url });
    const directRates: number[] = [];
    const scopeRates: number[] = [];
    const scopeRatios: number[] = [];
    const txRates: number[] = [];
    const ratios: number[] = [];
    const bulkDirectRates: number[] = [];
    const bulkTxRates: number[] = [];
    const bulkRatios: number[] = [];
    const floorRates: number[] = [];
    const ceilings: number[] = [];
    const emptyTxMicros: number[] = [];
    let perJobRate: number;
    let relayRate: number;
    let relaySeconds: number;
    const latencies: number[] = [];
    let relay: OutboxRelay | undefined;
    try {
      await migrateDeploy(url);
      // 2. enqueue
      await direct(Math.min(jobs, 500));
      await inTransaction(prisma, Math.min(jobs, 500));
      await inScope(prisma, Math.min(jobs, 500));
      await transactionPerJob(prisma, Math.min(jobs, 200));
      for (let r = 1; r <= rounds; r += 1) {
        await emptyOutbox(pool);
        await adapter.queue('default').obliterate({ force: true });
        ctx.gc();
        let d = 0;
        let t = 0;
        let s = 0;
        for (const side of r % 2 === 1 ? ['direct', 'scope', 'tx'] : ['tx', 'scope', 'direct']) {
          ctx.gc();
          if (side === 'direct') d = await direct(jobs);
          else if (side === 'scope') s = await inScope(prisma, jobs);
          else t = await inTransaction(prisma, jobs);
        }
        directRates.push(d);
        scopeRates.push(s);
        scopeRatios.push(s / d);
        txRates.push(t);
        ratios.push(t / d);
        let bd = 0;
        let bt = 0;
        for (const side of r % 2 === 1 ? ['tx', 'direct'] : ['direct', 'tx']) {
          ctx.gc();
          if (side === 'direct') bd = await directBulk(jobs, batch);
          else bt = await inTransactionBulk(prisma, jobs, batch);
        }
        bulkDirectRates.push(bd);
        bulkTxRates.push(bt);
        bulkRatios.push(bt / bd);
        ctx.gc();
        const floor = await prismaStatementFloor(prisma, jobs);
        floorRates.push(floor);
        ceilings.push(floor / d);
        emptyTxMicros.push(await emptyTransactionMicros(prisma, Math.min(jobs, 500)));
        ctx.log(
          `round ${r}: direct ${fmt(d)} jobs/s, in a scope ${fmt(s)} jobs/s (${round(s / d, 2)}x), ` +
            `inTransaction(tx) ${fmt(t)} jobs/s (${round(t / d, 2)}x); ` +
            `bulk of ${batch}: direct ${fmt(bd)}, in a transaction ${fmt(bt)} (${round(bt / bd, 2)}x); ` +
            `Prisma SELECT 1 in a transaction ${fmt(floor)}/s (ceiling ${round(floor / d, 2)}x)`,
        );
      }
      await emptyOutbox(pool);
      ctx.gc();
      perJobRate = await transactionPerJob(prisma, Math.min(jobs, 1000));
      ctx.log(`one transaction per job: ${fmt(perJobRate)} jobs/s`);

      // 3. relay
      await emptyOutbox(pool);
      await adapter.queue('default').obliterate({ force: true });
      for (let staged = 0; staged < relayJobs; staged += 5000) {
        const batch = Array.from({ length: Math.min(5000, relayJobs - staged) }, () => NoopJob.build());
        await prisma.$transaction((tx) => Job.performAllLater(batch, { transaction: tx }), TX_OPTIONS);
      }
      ctx.log(`relay: ${fmt(relayJobs)} jobs staged; relaying`);
      ctx.gc();
      const t0 = performance.now();
      const mover = startOutboxRelay({
        openSession,
        adapter,
        prefix: adapter.prefix,
        batchSize: 1000,
        sweepIntervalMs: 3_600_000,
      });
      while (mover.relayedCount < relayJobs) await new Promise((resolve) => setTimeout(resolve, 2));
      relaySeconds = (performance.now() - t0) / 1000;
      relayRate = relayJobs / relaySeconds;
      await mover.stop();
      ctx.log(`relay: ${fmt(relayJobs)} jobs in ${relaySeconds.toFixed(2)} s (${fmt(relayRate)} jobs/s)`);

      // 4. latency
      await adapter.queue('default').obliterate({ force: true });
      relay = startOutboxRelay({ openSession, adapter, prefix: adapter.prefix, sweepIntervalMs: 3_600_000 });
      const worker = startWorker({ queues: ['default'], connection: connect(benchRedisUrl()), prefix });
      await Promise.all(worker.workers.map((w) => w.waitUntilReady()));
      await new Promise((resolve) => setTimeout(resolve, 500));
      let started: ((at: number) => void) | undefined;
      LatencyProbeJob.onStart = (_seq, at) => started?.(at);
      for (let i = 0; i < probes; i += 1) {
        const start = new Promise<number>((resolve) => (started = resolve));
        await prisma.$transaction((tx) => LatencyProbeJob.inTransaction(tx).performLater(i));
        const committed = epochMs();
        latencies.push((await start) - committed);
      }
      LatencyProbeJob.onStart = undefined;
      await worker.close();
      await Promise.all(worker.workers.map((w) => w.disconnect()));
    } finally {
      await relay?.stop();
      await adapter.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
      await prisma.$disconnect();
      await pool.end();
      await dropDatabase(url);
    }

    const ratio = median(ratios);
    const scopeRatio = median(scopeRatios);
    const scopeRate = median(scopeRates);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const directRate = median(directRates);
    const txRate = median(txRates);
    const bulkRatio = median(bulkRatios);
    const floorRate = median(floorRates);
    const ceiling = median(ceilings);
    const rows: BenchRow[] = [
      {
        section: `enqueue, ${fmt(jobs)} jobs x ${rounds}`,
        metric: 'direct performLater jobs/s (median)',
        value: fmt(directRate),
      },
      {
        section: '',
        metric: 'transaction(prisma, fn) scope: performLater jobs/s (median)',
        value: fmt(scopeRate),
      },
      {
        section: '',
        metric: 'ratio scope / direct (median of rounds)',
        value: `${round(scopeRatio, 2)}x`,
        target: `>= ${RATIO_TARGET}x`,
        pass: scopeRatio >= RATIO_TARGET,
      },
      { section: '', metric: 'enqueue cost per job in a scope', value: `${round(1e6 / scopeRate, 1)} µs` },
      { section: '', metric: 'inTransaction(tx).performLater jobs/s (median)', value: fmt(txRate) },
      {
        section: '',
        metric: 'ratio inTransaction(tx) / direct, one statement per job (median)',
        value: `${round(ratio, 2)}x`,
      },
      {
        section: '',
        metric: 'enqueue cost per job, inTransaction(tx)',
        value: `${round(1e6 / txRate, 1)} µs`,
      },
      {
        section: '',
        metric: "floor: Prisma tx.$executeRawUnsafe('SELECT 1') statements/s",
        value: fmt(floorRate),
      },
      {
        section: '',
        metric: 'ceiling ratio, one Prisma statement per job (median)',
        value: `${round(ceiling, 2)}x`,
      },
      { section: '', metric: 'empty Prisma $transaction', value: `${round(median(emptyTxMicros), 1)} µs` },
      { section: '', metric: 'one transaction per job (reference) jobs/s', value: fmt(perJobRate) },
      {
        section: `bulk, performAllLater of ${fmt(batch)}`,
        metric: 'direct jobs/s (median)',
        value: fmt(median(bulkDirectRates)),
      },
      { section: '', metric: 'with { transaction } jobs/s (median)', value: fmt(median(bulkTxRates)) },
      {
        section: '',
        metric: 'ratio transactional / direct (median of rounds)',
        value: `${round(bulkRatio, 2)}x`,
        target: `>= ${RATIO_TARGET}x`,
        pass: bulkRatio >= RATIO_TARGET,
      },
      {
        section: `relay, ${fmt(relayJobs)} jobs`,
        metric: 'jobs/s (batches of 1,000)',
        value: fmt(relayRate),
        target: `>= ${fmt(RELAY_TARGET)}`,
        pass: relayRate >= RELAY_TARGET,
      },
      {
        section: `commit-to-start, ${probes} probes`,
        metric: 'p50',
        value: `${round(p50, 2)} ms`,
        target: `< ${P50_TARGET_MS} ms`,
        pass: p50 < P50_TARGET_MS,
      },
      { section: '', metric: 'p99', value: `${round(p99, 2)} ms` },
    ];
    return {
      metrics: {
        jobs,
        rounds,
        directJobsPerSec: Math.round(directRate),
        scopeJobsPerSec: Math.round(scopeRate),
        scopeRatios: scopeRatios.map((x) => round(x, 3)),
        enqueueMicrosPerJobInScope: round(1e6 / scopeRate, 1),
        transactionalJobsPerSec: Math.round(txRate),
        ratios: ratios.map((x) => round(x, 3)),
        enqueueMicrosPerJobInTransaction: round(1e6 / txRate, 1),
        transactionPerJobJobsPerSec: Math.round(perJobRate),
        batch,
        bulkDirectJobsPerSec: Math.round(median(bulkDirectRates)),
        bulkTransactionalJobsPerSec: Math.round(median(bulkTxRates)),
        bulkRatios: bulkRatios.map((x) => round(x, 3)),
        prismaSelect1PerSecInTransaction: Math.round(floorRate),
        ceilingRatios: ceilings.map((x) => round(x, 3)),
        emptyTransactionMicros: round(median(emptyTxMicros), 1),
        relayJobs,
        relaySeconds: round(relaySeconds, 3),
        relayJobsPerSec: Math.round(relayRate),
        commitToStartMs: { p50: round(p50, 2), p99: round(p99, 2), probes },
      },
      ratio: round(scopeRatio, 3),
      rows,
    };
  },
});
