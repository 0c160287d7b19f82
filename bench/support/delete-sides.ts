/**
 * The sides of the delete benchmark (bench/delete.bench.ts), each timed on fresh posts rows of its
 * scratch database:
 *   - runBatch: N posts through deleteManyPosts (app/db/post.repository.ts: one statement per
 *     10,000 ids on one connection), statements counted through a wrapped connection;
 *   - runPrismaLoop: --sample posts, `await prisma.post.delete({ where: { id } })` per id through
 *     the app's Prisma client (createPrismaClient, app/db/client.ts): what app code deleting
 *     record by record does in this codebase;
 *   - runRawLoop: --sample posts, one prepared `DELETE FROM posts WHERE id = $1` per id on ONE
 *     checked-out pg connection: the cheapest loop there is (no pool checkout, no ORM).
 *
 * Steps of each: insert the rows (one INSERT ... SELECT generate_series), VACUUM ANALYZE, full GC,
 * then time only the deleting; check that every row went. A loop's rows/s over its sample gives
 * the extrapolated time for all N rows (N / rate).
 *
 * Example: const run = await runPrismaLoop({ pool, prisma, ctx }, 100_000, 5_000, 1)
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { AppPrismaClient } from '../../app/db/client';
import type { ConnectionPool } from '../../app/db/delete-many';
import { deleteManyPosts } from '../../app/db/post.repository';
import type { BenchContext } from './benchmark';

export interface SideContext {
  /** A pg pool on the scratch database. */
  pool: pg.Pool;
  /** The app's Prisma client on the scratch database. */
  prisma: AppPrismaClient;
  ctx: BenchContext;
}

export interface BatchRun {
  round: number;
  rows: number;
  seconds: number;
  rowsPerSec: number;
  statements: number;
}

export interface LoopRun {
  round: number;
  sample: number;
  seconds: number;
  rowsPerSec: number;
  extrapolatedSeconds: number;
}

/** A side that did not delete what it should have: the figures would be meaningless. */
export class BenchCheckError extends Error {
  override name = 'BenchCheckError';
}

export async function insertRows(pool: pg.Pool, table: 'posts' | 'uploads', n: number): Promise<number[]> {
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

export async function runBatch({ pool, ctx }: SideContext, rows: number, roundNo: number): Promise<BatchRun> {
  const ids = await insertRows(pool, 'posts', rows);
  ctx.gc();
  const wrapped = counting(pool);
  const t0 = performance.now();
  const deleted = await deleteManyPosts(wrapped.pool, ids);
  const seconds = (performance.now() - t0) / 1000;
  const left = await count(pool, 'posts');
  if (deleted !== rows || left !== 0)
    throw new BenchCheckError(`deleteMany deleted ${deleted} of ${rows} posts; ${left} left`);
  const run = { round: roundNo, rows, seconds, rowsPerSec: rows / seconds, statements: wrapped.statements() };
  ctx.log(
    `round ${roundNo} deleteMany: ${rows} posts in ${seconds.toFixed(3)} s (${Math.round(run.rowsPerSec)} rows/s, ${run.statements} statements)`,
  );
  return run;
}

/** Inserts `sample` posts, times `deleteAll` over their ids (resolving rows deleted), checks and logs. */
async function timeLoop(
  { pool, ctx }: SideContext,
  label: string,
  rows: number,
  sample: number,
  roundNo: number,
  deleteAll: (ids: readonly number[]) => Promise<number>,
): Promise<LoopRun> {
  const ids = await insertRows(pool, 'posts', sample);
  ctx.gc();
  const t0 = performance.now();
  const deleted = await deleteAll(ids);
  const seconds = (performance.now() - t0) / 1000;
  const left = await count(pool, 'posts');
  if (deleted !== sample || left !== 0)
    throw new BenchCheckError(`the ${label} deleted ${deleted} of ${sample} posts; ${left} left`);
  const rowsPerSec = sample / seconds;
  const run = { round: roundNo, sample, seconds, rowsPerSec, extrapolatedSeconds: rows / rowsPerSec };
  ctx.log(
    `round ${roundNo} ${label}: ${sample} posts in ${seconds.toFixed(3)} s (${Math.round(rowsPerSec)} rows/s; ${rows} would take ~${run.extrapolatedSeconds.toFixed(1)} s)`,
  );
  return run;
}

/** Per record through the app's Prisma client, as app code does: one prisma.post.delete per id. */
export function runPrismaLoop(
  side: SideContext,
  rows: number,
  sample: number,
  roundNo: number,
): Promise<LoopRun> {
  return timeLoop(side, 'Prisma per-record loop', rows, sample, roundNo, async (ids) => {
    let deleted = 0;
    for (const id of ids) {
      await side.prisma.post.delete({ where: { id } });
      deleted += 1;
    }
    return deleted;
  });
}

/** The cheapest loop: one prepared DELETE per id on one checked-out connection, each committing. */
export function runRawLoop(
  side: SideContext,
  rows: number,
  sample: number,
  roundNo: number,
): Promise<LoopRun> {
  return timeLoop(side, 'raw prepared loop', rows, sample, roundNo, async (ids) => {
    const client = await side.pool.connect();
    let deleted = 0;
    try {
      for (const id of ids) {
        const result = await client.query({
          name: 'bench-delete-post',
          text: 'DELETE FROM posts WHERE id = $1',
          values: [id],
        });
        deleted += result.rowCount ?? 0;
      }
    } finally {
      client.release();
    }
    return deleted;
  });
}
