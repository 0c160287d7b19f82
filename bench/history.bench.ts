/**
 * history: job history (job_executions) at a million rows: the searches the admin jobs page runs,
 * each against the same statement forced to a sequential scan, and the throughput cost of
 * recording, in one run.
 *
 * Steps:
 *   1. A scratch database (created, migrated, dropped at the end); --rows executions seeded with
 *      generate_series in chunks (a progress bar on stderr), the table's indexes dropped before and
 *      rebuilt after (as a bulk load does); VACUUM ANALYZE. Rows: 20 classes, 3 queues, 1 in 20
 *      failed, 1 in 20 retried, finishing over the last 30 days, arguments [Post record, { size,
 *      user }] and their search terms as the recorder writes them.
 *   2. --searches searches of each kind through the app's searchExecutions (one page of 50 newest
 *      first plus the capped count): by job id, by argument key/value (user=N), by class + state +
 *      one day, by state (retry or failed), by error class (in one queue). Then the first
 *      --seq-searches of each kind again with enable_indexscan and enable_bitmapscan off (a
 *      sequential scan). p50 / p95 / max per kind and side.
 *   3. Throughput with recording off, on and with its writes discarded: --jobs jobs with two
 *      arguments through an in-process worker (startWorker, --concurrency), each side first in turn
 *      over --rounds rounds after a warm-up; on = a HistoryRecorder writing to the scratch database,
 *      discarded = the same recorder handing its statements to a sink (the worker's share of the
 *      cost). A side is timed from the worker's start to its last job finished and, recording, its
 *      last batch written. CPU per job of the worker (this process), Redis (INFO cpu) and
 *      PostgreSQL (the scratch database's backends, /proc). Ratio = median of the rounds' on/off
 *      rates (target >= 0.9: recording costs at most 10 %).
 *
 * Example: npm run bench -- history
 *          npm run bench -- history --rows 100000 --searches 20 --jobs 2000 --rounds 2
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { pino } from 'pino';
import { createDatabaseIfMissing, dropDatabase, migrateDeploy } from '../app/db/admin';
import type { SqlReader } from '../app/db/deletion.repository';
import { searchExecutions, type HistoryFilters } from '../app/db/job-history.repository';
import { createDbPool } from '../app/db/pg-pool';
import {
  BullmqAdapter,
  configureBacklot,
  Job,
  registerJobs,
  setExecutionRecorder,
  startWorker,
} from '../app/framework/index';
import { HistoryRecorder } from '../app/services/job-history/recorder';
import { HISTORY_PAGE_SIZE } from '../app/services/job-history/search';
import { withDatabase } from '../config/database-url';
import { env } from '../config/env';
import { logDestination } from '../config/logger';
import { createProgressBar } from '../prisma/progress-bar';
import { defineBenchmark, type BenchContext, type BenchRow } from './support/benchmark';
import { benchPrefix, connect, deletePrefix } from './support/redis';
import { readServerStats, resetServerStats } from './support/redis-stats';
import { timeSide } from './support/side-run';
import { median, percentile, round } from './support/stats';
import { inChunks } from './support/workload';

const P95_TARGET_MS = 100;
const RATIO_TARGET = 0.9;
const QUEUE = 'default';
const CLASSES = 20;
const USERS = 5_000;
const POSTS = 200_000;
const SPAN_S = 30 * 24 * 3600;
const KINDS = [
  'by job id',
  'by argument key/value',
  'by class + state + day',
  'by state',
  'by error class',
] as const;
type Kind = (typeof KINDS)[number];

/** Two arguments, as a typical app job has: what the recorder filters and indexes per row. */
class HistoryBenchJob extends Job {
  static override jobName = 'HistoryBenchJob';
  perform(_post: number, _options: { size: number; user: number }): void {}
}

const jobIdOf = (g: number) => createHash('md5').update(String(g)).digest('hex').slice(0, 24);

const SEED_SQL = `
INSERT INTO job_executions (job_id, job_class, queue, state, attempt, arguments, search_terms, error_class,
  error_message, enqueued_at, started_at, finished_at, duration_ms, worker_host, worker_pid)
SELECT substr(md5(g::text), 1, 24), 'Job' || (g % ${CLASSES}), (ARRAY['default', 'mail', 'bulk_update'])[1 + g % 3],
  CASE g % 20 WHEN 0 THEN 'failed' WHEN 1 THEN 'retry' ELSE 'completed' END, 1 + (g % 20 = 0)::int,
  jsonb_build_array(jsonb_build_object('_bl', 'Record', 'v', jsonb_build_object('model', 'Post', 'id', g % ${POSTS})),
    jsonb_build_object('size', g % 1000, 'user', g % ${USERS})),
  ARRAY['Post#' || (g % ${POSTS}), (g % 1000)::text, 'size=' || (g % 1000), (g % ${USERS})::text, 'user=' || (g % ${USERS})],
  CASE WHEN g % 20 IN (0, 1) THEN 'TimeoutError' END, CASE WHEN g % 20 IN (0, 1) THEN 'timed out after 30s' END,
  t - interval '20 ms', t - interval '15 ms', t, 15, 'bench-host', 1000 + g % 8
FROM generate_series($1::int, $2::int) AS g,
  LATERAL (SELECT now() - make_interval(secs => (g::float8 * ${SPAN_S}) / $3::int) AS t) AS times`;

async function seed(ctx: BenchContext, pool: pg.Pool, rows: number): Promise<number> {
  const t0 = performance.now();
  const { rows: indexes } = await pool.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE tablename = 'job_executions' AND indexname <> 'job_executions_pkey'`,
  );
  for (const index of indexes) await pool.query(`DROP INDEX "${index.name}"`);
  const bar = createProgressBar('job executions', rows);
  const chunk = 50_000;
  for (let from = 1; from <= rows; from += chunk) {
    const to = Math.min(rows, from + chunk - 1);
    await pool.query(SEED_SQL, [from, to, rows]);
    bar.update(to);
  }
  bar.finish();
  ctx.log(`rebuilding ${indexes.length} indexes`);
  for (const index of indexes) await pool.query(index.def);
  await pool.query('VACUUM (ANALYZE) job_executions');
  return (performance.now() - t0) / 1000;
}

interface Search {
  kind: Kind;
  filters: HistoryFilters;
}

function searches(count: number, rows: number): Search[] {
  const pick = (n: number) => Math.floor(Math.random() * n);
  const out: Search[] = [];
  const dayMs = 86_400_000;
  for (let i = 0; i < count; i += 1) {
    out.push({ kind: 'by job id', filters: { jobId: jobIdOf(1 + pick(rows)) } });
    out.push({ kind: 'by argument key/value', filters: { args: [`user=${pick(USERS)}`] } });
    const day = new Date(Date.now() - (1 + pick(28)) * dayMs);
    day.setUTCHours(0, 0, 0, 0);
    out.push({
      kind: 'by class + state + day',
      filters: {
        jobClass: `Job${pick(CLASSES)}`,
        state: 'failed',
        from: day,
        to: new Date(day.getTime() + dayMs),
      },
    });
    // The dashboard's state and error-class filters (partial indexes: migration 20261204190000).
    out.push({ kind: 'by state', filters: { state: i % 2 === 0 ? 'retry' : 'failed' } });
    out.push({ kind: 'by error class', filters: { errorClass: 'TimeoutError', queue: 'mail' } });
  }
  return out;
}

async function timeSearch(client: pg.PoolClient, search: Search): Promise<{ ms: number; rows: number }> {
  const t0 = performance.now();
  const result = await searchExecutions(client, search.filters, { limit: HISTORY_PAGE_SIZE });
  return { ms: performance.now() - t0, rows: result.rows.length };
}

function summary(values: number[]) {
  if (values.length === 0) return { p50: 0, p95: 0, max: 0 };
  return {
    p50: round(percentile(values, 50), 2),
    p95: round(percentile(values, 95), 2),
    max: round(Math.max(...values), 2),
  };
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: /proc/PID/stat's utime and stime unit on Linux

/**
 * CPU microseconds used so far by the PostgreSQL backends of the scratch database (the recorder's
 * pool: nothing else connects to it), read from /proc: the server is on this machine. Backends
 * that exit between two readings drop out, so the pool's connections must stay open (they do).
 */
async function postgresCpuUs(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'",
  );
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime (fields 14, 15)
    } catch {
      // not on this machine, or gone
    }
  }
  return (ticks / CLOCK_TICKS_PER_SECOND) * 1e6;
}

/** What a throughput side records: nothing, rows into PostgreSQL, or rows handed to a sink. */
type Recording = 'off' | 'on' | 'sink';

interface SideResult {
  rate: number;
  /** This process's CPU (the worker, its recorder and the enqueue-free processing) per job, µs. */
  cpuUsPerJob: number;
  postgresUsPerJob: number;
  redisUsPerJob: number;
}

/** A database that takes every statement and keeps nothing: the recorder's work without PostgreSQL's. */
const SINK: SqlReader = { query: () => Promise.resolve({ rows: [] }) };

/**
 * One side of a throughput round (bench/support/side-run.ts): jobs enqueued first (untimed), then
 * processed until the last one finished and, recording, its last batch was written.
 */
async function throughputSide(
  ctx: BenchContext,
  jobs: number,
  recorder: HistoryRecorder | undefined,
  pool: pg.Pool,
): Promise<SideResult> {
  const concurrency = ctx.flags.concurrency as number;
  const prefix = benchPrefix('history');
  const producer = connect(ctx.redisUrl);
  const adapter = new BullmqAdapter({ connection: producer, prefix });
  configureBacklot({ adapter });
  const workerConnection = connect(ctx.redisUrl);
  setExecutionRecorder(recorder);
  let pg0 = 0;
  let redis0 = 0;
  try {
    const run = await timeSide(
      ctx,
      { side: 'history', round: 0, jobs },
      {
        enqueue: () =>
          inChunks(jobs, 1000, (from, count) =>
            Job.performAllLater(
              Array.from({ length: count }, (_, i) =>
                HistoryBenchJob.build(from + i, { size: 640, user: (from + i) % USERS }),
              ),
            ),
          ),
        beforeStart: async () => {
          pg0 = await postgresCpuUs(pool);
          redis0 = await resetServerStats(producer);
        },
        start: () => startWorker({ queues: [QUEUE], concurrency, connection: workerConnection, prefix }),
        // The last batch's write is part of recording these jobs: timed and counted.
        drain: async () => {
          await recorder?.flush();
        },
        afterFinish: async () => ({
          redisUs: (await readServerStats(producer, redis0)).cpuUs,
          postgresUs: (await postgresCpuUs(pool)) - pg0,
        }),
      },
    );
    return {
      rate: run.jobsPerSec,
      cpuUsPerJob: run.cpuUsPerJob,
      postgresUsPerJob: run.postgresUs / jobs,
      redisUsPerJob: run.redisUs / jobs,
    };
  } finally {
    setExecutionRecorder(undefined);
    await adapter.close();
    await deletePrefix(producer, prefix);
    await Promise.all([producer.quit(), workerConnection.quit()]);
  }
}

/** Each side's figures over the rounds. */
type Sides = Record<Recording, SideResult[]>;

const med = (sides: Sides, side: Recording, key: keyof SideResult) => median(sides[side].map((r) => r[key]));

/** Worker + Redis + PostgreSQL CPU per job: what the whole machine spent. */
const machineUs = (sides: Sides, side: Recording) =>
  med(sides, side, 'cpuUsPerJob') + med(sides, side, 'redisUsPerJob') + med(sides, side, 'postgresUsPerJob');

/** Median over the rounds of side / off throughput, each round's sides back to back. */
function rateRatio(sides: Sides, side: Recording): number {
  return median(sides[side].map((r, i) => r.rate / (sides.off[i] as SideResult).rate));
}

function throughputRows(sides: Sides): BenchRow[] {
  const ratio = round(rateRatio(sides, 'on'), 3);
  const perJob = (side: Recording) =>
    `${round(med(sides, side, 'cpuUsPerJob'), 0)} / ${round(med(sides, side, 'redisUsPerJob'), 0)} / ${round(med(sides, side, 'postgresUsPerJob'), 0)}`;
  return [
    {
      section: 'throughput',
      metric: 'jobs/s off vs on vs on with writes discarded (median)',
      value: `${round(med(sides, 'off', 'rate'), 0)} vs ${round(med(sides, 'on', 'rate'), 0)} vs ${round(med(sides, 'sink', 'rate'), 0)}`,
    },
    {
      section: 'throughput',
      metric: 'CPU µs per job, worker / Redis / PostgreSQL: off',
      value: perJob('off'),
    },
    { section: 'throughput', metric: 'CPU µs per job, worker / Redis / PostgreSQL: on', value: perJob('on') },
    {
      section: 'throughput',
      metric: 'CPU µs per job, worker / Redis / PostgreSQL: writes discarded',
      value: perJob('sink'),
      target: "the recorder's own work in the worker, without PostgreSQL",
    },
    {
      section: 'throughput',
      metric: 'machine CPU per job (worker + Redis + PostgreSQL), off / on',
      value: String(round(machineUs(sides, 'off') / machineUs(sides, 'on'), 3)),
      target: 'what a host running all three would see',
    },
    {
      section: 'throughput',
      metric: 'writes discarded / off (median of per-round ratios)',
      value: String(round(rateRatio(sides, 'sink'), 3)),
      target: "the worker's share of the cost",
    },
    {
      section: 'throughput',
      metric: 'on / off (median of per-round ratios)',
      value: String(ratio),
      target: `>= ${RATIO_TARGET} (cost <= 10 %)`,
      pass: ratio >= RATIO_TARGET,
    },
  ];
}

export default defineBenchmark({
  description: 'job history at a million rows: searches vs sequential scans, and recording on vs off',
  flags: {
    rows: { default: 1_000_000, description: 'job executions seeded', min: 1000 },
    searches: { default: 100, description: 'searches of each kind (index side)', min: 1 },
    'seq-searches': { default: 25, description: 'of those, run again as a sequential scan', min: 1 },
    jobs: { default: 5_000, description: 'jobs per throughput side and round', min: 100 },
    rounds: { default: 3, description: 'throughput rounds (off and on each), after a warm-up', min: 1 },
    concurrency: { default: 8, description: 'worker concurrency for the throughput sides', min: 1 },
  },
  async run(ctx) {
    const { rows, rounds, jobs } = ctx.flags as { rows: number; rounds: number; jobs: number };
    const load = loadavg();
    const url = withDatabase(env().DATABASE_URL, `backlot_bench_history_${randomBytes(3).toString('hex')}`);
    ctx.log(
      `scratch database ${url.replace(/\/\/[^@]*@/, '//')}: creating, migrating, seeding ${rows} executions`,
    );
    await createDatabaseIfMissing(url);
    const pool = createDbPool(url, 4);
    const times: Record<'index' | 'seq', Record<Kind, number[]>> = {
      index: Object.fromEntries(KINDS.map((kind) => [kind, []])) as unknown as Record<Kind, number[]>,
      seq: Object.fromEntries(KINDS.map((kind) => [kind, []])) as unknown as Record<Kind, number[]>,
    };
    const found = Object.fromEntries(KINDS.map((kind) => [kind, 0])) as Record<Kind, number>;
    const sides: Sides = { off: [], on: [], sink: [] };
    let seedSeconds: number;
    let recorderStats: ReturnType<HistoryRecorder['stats']> | undefined;
    try {
      await migrateDeploy(url);
      seedSeconds = await seed(ctx, pool, rows);
      ctx.log(`seeded in ${seedSeconds.toFixed(0)} s`);
      const all = searches(ctx.flags.searches as number, rows);
      const client = await pool.connect();
      try {
        for (const search of all.slice(0, 30)) await timeSearch(client, search); // warm-up
        ctx.log(`${all.length} searches on the indexes`);
        for (const search of all) {
          const { ms, rows: n } = await timeSearch(client, search);
          times.index[search.kind].push(ms);
          if (n > 0) found[search.kind] += 1;
        }
        const seqCount = (ctx.flags['seq-searches'] as number) * KINDS.length;
        ctx.log(`${Math.min(seqCount, all.length)} searches as sequential scans`);
        await client.query(
          'SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off',
        );
        for (const search of all.slice(0, seqCount))
          times.seq[search.kind].push((await timeSearch(client, search)).ms);
        await client.query('RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan');
      } finally {
        client.release();
      }

      const destination = logDestination('/dev/null');
      await destination.ready();
      const logger = pino({ level: 'info', base: { pid: process.pid } }, destination);
      configureBacklot({ logger, queues: [] });
      registerJobs([HistoryBenchJob]);
      const recorders: Record<Recording, HistoryRecorder | undefined> = {
        off: undefined,
        on: new HistoryRecorder({ db: pool, logger, filterKeys: env().LOG_FILTER_KEYS }),
        sink: new HistoryRecorder({ db: SINK, logger, filterKeys: env().LOG_FILTER_KEYS }),
      };
      const order: Recording[] = ['off', 'on', 'sink'];
      ctx.log('throughput warm-up');
      for (const side of order) await throughputSide(ctx, Math.min(jobs, 1000), recorders[side], pool);
      for (let r = 0; r < rounds; r += 1) {
        ctx.log(`throughput round ${r + 1} of ${rounds}`);
        // Each side goes first in turn: off, on, sink / on, sink, off / sink, off, on.
        for (const side of [...order.slice(r % 3), ...order.slice(0, r % 3)])
          sides[side].push(await throughputSide(ctx, jobs, recorders[side], pool));
      }
      await recorders.on?.stop();
      recorderStats = recorders.on?.stats();
    } finally {
      await pool.end();
      await dropDatabase(url);
    }

    const ratio = round(rateRatio(sides, 'on'), 3);
    const rowsOut: BenchRow[] = [
      ...KINDS.flatMap((kind): BenchRow[] => {
        const index = summary(times.index[kind]);
        const seq = summary(times.seq[kind]);
        return [
          {
            section: kind,
            metric: `indexes: p50 / p95 / max (ms), ${times.index[kind].length} searches`,
            value: `${index.p50} / ${index.p95} / ${index.max}`,
            target: `p95 < ${P95_TARGET_MS} ms`,
            pass: index.p95 < P95_TARGET_MS,
          },
          {
            section: kind,
            metric: `sequential scan: p50 / p95 / max (ms), ${times.seq[kind].length} searches`,
            value: `${seq.p50} / ${seq.p95} / ${seq.max}`,
          },
        ];
      }),
      ...throughputRows(sides),
    ];
    return {
      metrics: {
        rows,
        seedSeconds: round(seedSeconds, 1),
        loadAverageAtStart: load.map((l) => round(l, 2)),
        searches: Object.fromEntries(
          KINDS.map((kind) => [
            kind,
            { index: summary(times.index[kind]), seq: summary(times.seq[kind]), withMatches: found[kind] },
          ]),
        ),
        throughput: {
          jobs,
          rounds,
          ...Object.fromEntries(
            (Object.keys(sides) as Recording[]).map((side) => [
              side,
              sides[side].map((r) => ({
                rate: round(r.rate, 0),
                workerUs: round(r.cpuUsPerJob, 1),
                redisUs: round(r.redisUsPerJob, 1),
                postgresUs: round(r.postgresUsPerJob, 1),
              })),
            ]),
          ),
        },
        recorder: recorderStats,
      },
      ratio,
      rows: rowsOut,
      notes: [
        `each search: one page of ${HISTORY_PAGE_SIZE} newest first plus the count capped at 10,001 (app/db/job-history.repository.ts searchExecutions)`,
        `load average at start ${load.map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min): a shared machine`,
      ],
    };
  },
});
