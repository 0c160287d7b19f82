/**
 * delete: deleting N posts through deleteMany (app/db/delete-many.ts, the post repository's
 * deleteManyPosts: one statement per 10,000 ids on one connection) against deleting them one by
 * one, on the same kind of data, in the same run. Two per-record loops:
 *   - "per-record delete through Prisma, as app code does": `await prisma.post.delete({ where:
 *     { id } })` per id through the app's Prisma client (createPrismaClient on the scratch database,
 *     as app/db/client.ts builds prisma()). The >= 100x ratio target applies to this loop;
 *   - "cheapest possible loop (raw prepared DELETE, one connection)": one prepared
 *     `DELETE FROM posts WHERE id = $1` per id on ONE checked-out pg connection (no pool checkout,
 *     no ORM). A reference: the floor of any per-id loop; its ratio has no target.
 *
 * Steps:
 *   1. A scratch database (created, migrated, dropped at the end); a pg pool and a Prisma client on it.
 *   2. Warm-up: each side once on a small batch (plans, caches, connections).
 *   3. Per round, the three sides in an order rotated each round (bench/support/delete-sides.ts),
 *      each on fresh rows: deleteMany on N posts; each loop on --sample posts, extrapolated to N
 *      (N / its rate). All sides pay the same per-row costs: the posts' foreign keys (post_tags,
 *      favorites: ON DELETE CASCADE) are checked for every deleted row; the rows carry no tags or
 *      favorites.
 *   4. For reference, N uploads through deleteManyUploads (no foreign key points at uploads): what
 *      the same primitive does when PostgreSQL has no cascade to check per row.
 *   5. rows/s of every side (medians over rounds) and both ratios; tmp/bench/delete.json.
 *
 * Example: npm run bench -- delete                    (N = 100,000, loop sample 5,000, 3 rounds)
 *          npm run bench -- delete --rows 20000 --sample 1000 --rounds 1
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createDatabaseIfMissing, dropDatabase, migrateDeploy } from '../app/db/admin';
import { createPrismaClient } from '../app/db/client';
import { DELETE_CHUNK_SIZE } from '../app/db/delete-many';
import { createDbPool } from '../app/db/pg-pool';
import { deleteManyUploads } from '../app/db/upload.repository';
import { withDatabase } from '../config/database-url';
import { env } from '../config/env';
import { defineBenchmark, type BenchRow } from './support/benchmark';
import {
  insertRows,
  runBatch,
  runPrismaLoop,
  runRawLoop,
  type BatchRun,
  type LoopRun,
  type SideContext,
} from './support/delete-sides';
import { median, round } from './support/stats';

const ROWS_PER_SEC_TARGET = 100_000;
const RATIO_TARGET = 100;
const PRISMA_LOOP = 'per-record delete through Prisma, as app code does';
const RAW_LOOP = 'cheapest possible loop (raw prepared DELETE, one connection)';

type SideName = 'deleteMany' | 'prisma' | 'raw';
const SIDES: readonly SideName[] = ['deleteMany', 'prisma', 'raw'];

/** The sides in round `r`'s order: rotated by one each round, so none always runs first. */
function orderFor(r: number): SideName[] {
  const shift = (r - 1) % SIDES.length;
  return [...SIDES.slice(shift), ...SIDES.slice(0, shift)];
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const loopJson = (l: LoopRun) => ({
  ...l,
  seconds: round(l.seconds, 3),
  rowsPerSec: Math.round(l.rowsPerSec),
  extrapolatedSeconds: round(l.extrapolatedSeconds, 1),
});

export default defineBenchmark({
  description:
    'deleteMany (one statement per 10,000 ids, one connection) against per-record delete loops (Prisma, raw prepared), on a scratch database',
  flags: {
    rows: { default: 100_000, min: 1, description: 'posts deleted through deleteMany per round' },
    sample: {
      default: 5_000,
      min: 1,
      description: 'posts deleted by each per-record loop per round (extrapolated to --rows)',
    },
    rounds: { default: 3, min: 1, description: 'rounds, the order of the sides rotating' },
  },
  async run(ctx) {
    const { rows, sample, rounds } = ctx.flags as { rows: number; sample: number; rounds: number };
    const url = withDatabase(env().DATABASE_URL, `backlot_bench_delete_${randomBytes(3).toString('hex')}`);
    ctx.log(`scratch database ${url.replace(/\/\/[^@]*@/, '//')}: creating and migrating`);
    await createDatabaseIfMissing(url);
    const pool = createDbPool(url, 2);
    const prisma = createPrismaClient(url);
    const side: SideContext = { pool, prisma, ctx };
    const batches: BatchRun[] = [];
    const prismaLoops: LoopRun[] = [];
    const rawLoops: LoopRun[] = [];
    let uploads: BatchRun | undefined;
    try {
      await migrateDeploy(url);
      const quiet: SideContext = { ...side, ctx: { ...ctx, log: () => undefined } };
      await runBatch(quiet, Math.min(rows, 2_000), 0);
      await runPrismaLoop(quiet, rows, Math.min(sample, 200), 0);
      await runRawLoop(quiet, rows, Math.min(sample, 200), 0);
      for (let r = 1; r <= rounds; r += 1) {
        for (const name of orderFor(r)) {
          if (name === 'deleteMany') batches.push(await runBatch(side, rows, r));
          else if (name === 'prisma') prismaLoops.push(await runPrismaLoop(side, rows, sample, r));
          else rawLoops.push(await runRawLoop(side, rows, sample, r));
        }
      }
      const uploadIds = await insertRows(pool, 'uploads', rows);
      ctx.gc();
      const t0 = performance.now();
      const deleted = await deleteManyUploads(pool, uploadIds);
      const seconds = (performance.now() - t0) / 1000;
      uploads = {
        round: 0,
        rows: deleted,
        seconds,
        rowsPerSec: deleted / seconds,
        statements: Math.ceil(rows / DELETE_CHUNK_SIZE),
      };
      ctx.log(
        `uploads (no foreign key points at them): ${deleted} in ${seconds.toFixed(3)} s (${Math.round(uploads.rowsPerSec)} rows/s)`,
      );
    } finally {
      await prisma.$disconnect();
      await pool.end();
      await dropDatabase(url);
    }

    const batchRate = median(batches.map((b) => b.rowsPerSec));
    const prismaRate = median(prismaLoops.map((l) => l.rowsPerSec));
    const rawRate = median(rawLoops.map((l) => l.rowsPerSec));
    const prismaRatio = batchRate / prismaRate;
    const rawRatio = batchRate / rawRate;
    const rowsOut: BenchRow[] = [
      {
        section: `deleteMany, ${fmt(rows)} posts`,
        metric: 'rows/s (median)',
        value: fmt(batchRate),
        target: `>= ${fmt(ROWS_PER_SEC_TARGET)}`,
        pass: batchRate >= ROWS_PER_SEC_TARGET,
      },
      { section: '', metric: 'seconds (median)', value: median(batches.map((b) => b.seconds)).toFixed(3) },
      {
        section: '',
        metric: 'statements per call',
        value: String(batches[0]?.statements ?? 0),
        target: `ceil(${fmt(rows)} / ${fmt(DELETE_CHUNK_SIZE)})`,
      },
      { section: PRISMA_LOOP, metric: `rows/s (median, ${fmt(sample)}-post sample)`, value: fmt(prismaRate) },
      { section: '', metric: `extrapolated to ${fmt(rows)}`, value: `${(rows / prismaRate).toFixed(1)} s` },
      {
        section: '',
        metric: 'ratio deleteMany / this loop',
        value: `${prismaRatio.toFixed(1)} x`,
        target: `>= ${RATIO_TARGET} x`,
        pass: prismaRatio >= RATIO_TARGET,
      },
      { section: RAW_LOOP, metric: `rows/s (median, ${fmt(sample)}-post sample)`, value: fmt(rawRate) },
      { section: '', metric: `extrapolated to ${fmt(rows)}`, value: `${(rows / rawRate).toFixed(1)} s` },
      {
        section: '',
        metric: 'ratio deleteMany / this loop',
        value: `${rawRatio.toFixed(1)} x`,
        target: 'reference: no target',
      },
    ];
    if (uploads)
      rowsOut.push({
        section: 'reference',
        metric: `deleteMany, ${fmt(rows)} uploads`,
        value: `${fmt(uploads.rowsPerSec)} rows/s`,
        target: 'no foreign key to check per row',
      });
    return {
      metrics: {
        rows,
        loopSample: sample,
        rounds,
        chunkSize: DELETE_CHUNK_SIZE,
        deleteManyRowsPerSec: Math.round(batchRate),
        statementsPerCall: batches[0]?.statements ?? 0,
        loopsExtrapolated: true,
        prismaLoop: {
          label: PRISMA_LOOP,
          rowsPerSec: Math.round(prismaRate),
          extrapolatedSeconds: round(rows / prismaRate, 1),
          ratio: round(prismaRatio, 1),
          ratioTarget: RATIO_TARGET,
        },
        rawLoop: {
          label: RAW_LOOP,
          rowsPerSec: Math.round(rawRate),
          extrapolatedSeconds: round(rows / rawRate, 1),
          ratio: round(rawRatio, 1),
          ratioTarget: null,
        },
        uploadsDeleteManyRowsPerSec: uploads ? Math.round(uploads.rowsPerSec) : null,
        targets: { rowsPerSec: ROWS_PER_SEC_TARGET, ratio: RATIO_TARGET, ratioAppliesTo: 'prismaLoop' },
        loadAverage1m: round(loadavg()[0] ?? 0),
        batches: batches.map((b) => ({
          ...b,
          seconds: round(b.seconds, 3),
          rowsPerSec: Math.round(b.rowsPerSec),
        })),
        prismaLoops: prismaLoops.map(loopJson),
        rawLoops: rawLoops.map(loopJson),
      },
      ratio: round(prismaRatio, 1),
      rows: rowsOut,
      notes: [
        `each per-record loop ran on a ${fmt(sample)}-post sample per round and is extrapolated to ${fmt(rows)} (rows / its rate); the sides' order rotates each round`,
        'every side deletes posts rows whose two ON DELETE CASCADE foreign keys (post_tags, favorites) PostgreSQL checks per row; the rows carry no tags or favorites',
        'deleteMany: each 10,000-id chunk commits on its own, on one connection. Both loops commit each row on its own (and wait for its WAL flush)',
        `the Prisma loop is what app code deleting record by record does here (prisma.post.delete per id: a round trip through the query compiler and adapter-pg's pool, RETURNING the row); the ratio target (>= ${RATIO_TARGET}x) applies to it`,
        'the raw loop (one prepared DELETE per id on one checked-out connection) is the cheapest per-id loop possible: a reference row, no target',
        `load average (1 min) at the end: ${round(loadavg()[0] ?? 0)} on ${cpus().length} CPUs; other work on the machine lowers every rate`,
      ],
    };
  },
});
