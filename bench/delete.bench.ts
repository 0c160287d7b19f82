/**
 * delete: deleting N posts through deleteMany (app/db/delete-many.ts, the post repository's
 * deleteManyPosts: one statement per 10,000 ids on one connection) against a per-id loop (one
 * DELETE ... WHERE id = $1 per post), on the same kind of data, in the same run.
 *
 * Steps:
 *   1. A scratch database (created, migrated, dropped at the end).
 *   2. Per round, sides alternating (deleteMany first in odd rounds), each on fresh rows:
 *      - deleteMany: insert N posts (one INSERT ... SELECT generate_series), VACUUM ANALYZE, then
 *        time deleteManyPosts(pool, ids) (statements counted through a wrapped connection);
 *        checked: N deleted, the table empty.
 *      - per-id loop: insert --sample posts the same way, VACUUM ANALYZE, then time one prepared
 *        `DELETE FROM posts WHERE id = $1` per post on ONE checked-out connection (the cheapest
 *        loop there is: no pool checkout, no ORM); posts/s over the sample, N / that rate is the
 *        extrapolated time for all N posts.
 *      Both sides pay the same per-row costs: the posts' foreign keys (post_tags, favorites:
 *      ON DELETE CASCADE) are checked for every deleted row; the rows carry no tags or favorites.
 *   3. For reference, N uploads through deleteManyUploads (no foreign key points at uploads): what
 *      the same primitive does when PostgreSQL has no cascade to check per row.
 *   4. rows/s of both sides (medians over rounds) and the ratio.
 *
 * Example: npm run bench -- delete                    (N = 100,000, loop sample 5,000, 3 rounds)
 *          npm run bench -- delete --rows 20000 --sample 1000 --rounds 1
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { createDatabaseIfMissing, dropDatabase, migrateDeploy } from '../app/db/admin';
import { DELETE_CHUNK_SIZE, type ConnectionPool } from '../app/db/delete-many';
import { createDbPool } from '../app/db/pg-pool';
import { deleteManyPosts } from '../app/db/post.repository';
import { deleteManyUploads } from '../app/db/upload.repository';
import { withDatabase } from '../config/database-url';
import { env } from '../config/env';
import { defineBenchmark, type BenchContext, type BenchRow } from './support/benchmark';
import { median, round } from './support/stats';

const ROWS_PER_SEC_TARGET = 100_000;
const RATIO_TARGET = 100;

interface BatchRun {
  round: number;
  rows: number;
  seconds: number;
  rowsPerSec: number;
  statements: number;
}

interface LoopRun {
  round: number;
  sample: number;
  seconds: number;
  rowsPerSec: number;
  extrapolatedSeconds: number;
}

async function insertRows(pool: pg.Pool, table: 'posts' | 'uploads', n: number): Promise<number[]> {
  const sql =
    table === 'posts'
      ? 'INSERT INTO posts (updated_at) SELECT now() FROM generate_series(1, $1::int) RETURNING id'
      : `INSERT INTO uploads (source_file, updated_at) SELECT 'uploads/' || g, now() FROM generate_series(1, $1::int) g RETURNING id`;
  const { rows } = await pool.query<{ id: number }>(sql, [n]);
  await pool.query(`VACUUM ANALYZE ${table}`);
  return rows.map((r) => r.id);
}

async function count(pool: pg.Pool, table: 'posts' | 'uploads'): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? -1;
}

/** The pool, counting the statements run on the connections it hands out. */
function counting(pool: pg.Pool): { pool: ConnectionPool; statements: () => number } {
  let statements = 0;
  return {
    statements: () => statements,
    pool: {
      async connect() {
        const client = await pool.connect();
        return {
          query: (text: string, values?: unknown[]) => {
            statements += 1;
            return client.query(text, values);
          },
          release: (error?: Error | boolean) => client.release(error),
        };
      },
    },
  };
}

async function runBatch(pool: pg.Pool, rows: number, roundNo: number, ctx: BenchContext): Promise<BatchRun> {
  const ids = await insertRows(pool, 'posts', rows);
  ctx.gc();
  const wrapped = counting(pool);
  const t0 = performance.now();
  const deleted = await deleteManyPosts(wrapped.pool, ids);
  const seconds = (performance.now() - t0) / 1000;
  if (deleted !== rows || (await count(pool, 'posts')) !== 0)
    throw new Error(`deleteMany deleted ${deleted} of ${rows} posts; ${await count(pool, 'posts')} left`);
  const run = { round: roundNo, rows, seconds, rowsPerSec: rows / seconds, statements: wrapped.statements() };
  ctx.log(`round ${roundNo} deleteMany: ${rows} posts in ${seconds.toFixed(3)} s (${Math.round(run.rowsPerSec)} rows/s, ${run.statements} statements)`);
  return run;
}

async function runLoop(pool: pg.Pool, rows: number, sample: number, roundNo: number, ctx: BenchContext): Promise<LoopRun> {
  const ids = await insertRows(pool, 'posts', sample);
  ctx.gc();
  const client = await pool.connect();
  let deleted = 0;
  const t0 = performance.now();
  try {
    for (const id of ids) {
      const result = await client.query({ name: 'bench-delete-post', text: 'DELETE FROM posts WHERE id = $1', values: [id] });
      deleted += result.rowCount ?? 0;
    }
  } finally {
    client.release();
  }
  const seconds = (performance.now() - t0) / 1000;
  if (deleted !== sample) throw new Error(`the loop deleted ${deleted} of ${sample} posts`);
  const rowsPerSec = sample / seconds;
  const run = { round: roundNo, sample, seconds, rowsPerSec, extrapolatedSeconds: rows / rowsPerSec };
  ctx.log(
    `round ${roundNo} per-id loop: ${sample} posts in ${seconds.toFixed(3)} s (${Math.round(rowsPerSec)} rows/s; ${rows} would take ~${run.extrapolatedSeconds.toFixed(1)} s)`,
  );
  return run;
}

export default defineBenchmark({
  description: 'deleteMany (one statement per 10,000 ids, one connection) against a per-id DELETE loop, on a scratch database',
  flags: {
    rows: { default: 100_000, min: 1, description: 'posts deleted through deleteMany per round' },
    sample: { default: 5_000, min: 1, description: 'posts deleted by the per-id loop per round (extrapolated to --rows)' },
    rounds: { default: 3, min: 1, description: 'rounds, sides alternating' },
  },
  async run(ctx) {
    const { rows, sample, rounds } = ctx.flags as { rows: number; sample: number; rounds: number };
    const url = withDatabase(env().DATABASE_URL, `backlot_bench_delete_${randomBytes(3).toString('hex')}`);
    ctx.log(`scratch database ${url.replace(/\/\/[^@]*@/, '//')}: creating and migrating`);
    await createDatabaseIfMissing(url);
    const pool = createDbPool(url, 2);
    const batches: BatchRun[] = [];
    const loops: LoopRun[] = [];
    let uploads: BatchRun | undefined;
    try {
      await migrateDeploy(url);
      // Warm-up: plans, caches and the connection itself, on a small batch of each kind.
      await runBatch(pool, Math.min(rows, 2_000), 0, { ...ctx, log: () => undefined });
      await runLoop(pool, rows, Math.min(sample, 200), 0, { ...ctx, log: () => undefined });
      for (let r = 1; r <= rounds; r += 1) {
        if (r % 2 === 1) {
          batches.push(await runBatch(pool, rows, r, ctx));
          loops.push(await runLoop(pool, rows, sample, r, ctx));
        } else {
          loops.push(await runLoop(pool, rows, sample, r, ctx));
          batches.push(await runBatch(pool, rows, r, ctx));
        }
      }
      const uploadIds = await insertRows(pool, 'uploads', rows);
      ctx.gc();
      const t0 = performance.now();
      const deleted = await deleteManyUploads(pool, uploadIds);
      const seconds = (performance.now() - t0) / 1000;
      uploads = { round: 0, rows: deleted, seconds, rowsPerSec: deleted / seconds, statements: Math.ceil(rows / DELETE_CHUNK_SIZE) };
      ctx.log(`uploads (no foreign key points at them): ${deleted} in ${seconds.toFixed(3)} s (${Math.round(uploads.rowsPerSec)} rows/s)`);
    } finally {
      await pool.end();
      await dropDatabase(url);
    }

    const batchRate = median(batches.map((b) => b.rowsPerSec));
    const loopRate = median(loops.map((l) => l.rowsPerSec));
    const ratio = batchRate / loopRate;
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const rowsOut: BenchRow[] = [
      {
        section: `deleteMany, ${fmt(rows)} posts`,
        metric: 'rows/s (median)',
        value: fmt(batchRate),
        target: `>= ${fmt(ROWS_PER_SEC_TARGET)}`,
        pass: batchRate >= ROWS_PER_SEC_TARGET,
      },
      { section: '', metric: 'seconds (median)', value: median(batches.map((b) => b.seconds)).toFixed(3) },
      { section: '', metric: 'statements per call', value: String(batches[0]?.statements ?? 0), target: `ceil(${fmt(rows)} / ${fmt(DELETE_CHUNK_SIZE)})` },
      { section: `per-id loop, ${fmt(sample)}-post sample`, metric: 'rows/s (median)', value: fmt(loopRate) },
      { section: '', metric: `extrapolated to ${fmt(rows)}`, value: `${(rows / loopRate).toFixed(1)} s` },
      { section: 'ratio', metric: 'deleteMany / loop', value: `${ratio.toFixed(1)} x`, target: `>= ${RATIO_TARGET} x`, pass: ratio >= RATIO_TARGET },
    ];
    if (uploads)
      rowsOut.push({ section: 'reference', metric: `deleteMany, ${fmt(rows)} uploads`, value: `${fmt(uploads.rowsPerSec)} rows/s`, target: 'no foreign key to check per row' });
    return {
      metrics: {
        rows,
        loopSample: sample,
        rounds,
        chunkSize: DELETE_CHUNK_SIZE,
        deleteManyRowsPerSec: Math.round(batchRate),
        loopRowsPerSec: Math.round(loopRate),
        loopExtrapolated: true,
        loopExtrapolatedSeconds: round(rows / loopRate, 1),
        statementsPerCall: batches[0]?.statements ?? 0,
        uploadsDeleteManyRowsPerSec: uploads ? Math.round(uploads.rowsPerSec) : null,
        targets: { rowsPerSec: ROWS_PER_SEC_TARGET, ratio: RATIO_TARGET },
        loadAverage1m: round(loadavg()[0] ?? 0),
        batches: batches.map((b) => ({ ...b, seconds: round(b.seconds, 3), rowsPerSec: Math.round(b.rowsPerSec) })),
        loops: loops.map((l) => ({ ...l, seconds: round(l.seconds, 3), rowsPerSec: Math.round(l.rowsPerSec), extrapolatedSeconds: round(l.extrapolatedSeconds, 1) })),
      },
      ratio: round(ratio, 1),
      rows: rowsOut,
      notes: [
        `the per-id loop ran on a ${fmt(sample)}-post sample per round and is extrapolated to ${fmt(rows)} (rows / its rate)`,
        'both sides delete posts rows whose two ON DELETE CASCADE foreign keys (post_tags, favorites) PostgreSQL checks per row; the rows carry no tags or favorites',
        'deleteMany: each 10,000-id chunk commits on its own, on one connection; the loop: one prepared statement per id on one connection, each committing on its own (and waiting for its WAL flush), as app code deleting record by record does',
        `load average (1 min) at the end: ${round(loadavg()[0] ?? 0)} on ${cpus().length} CPUs; other work on the machine lowers both rates`,
      ],
    };
  },
});
