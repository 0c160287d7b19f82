/**
 * search: post searches in Danbooru's syntax through the app's search (app/services/posts/search:
 * parse, aliases and wildcards resolved, one page of 20 ids plus the capped count) against plain
 * SQL of the same query, both on one node-postgres pool (tag ids looked up beforehand, untimed; joins on post_tags written by
 * hand), over the 100,000-post seed, in the same run.
 *
 * Steps:
 *   1. A scratch database (created, migrated, dropped at the end): seedPosts(N) (prisma/seed-posts.ts,
 *      what SEED_POSTS=N npm run db:seed adds: Zipf-like tags, 4..16 per post); VACUUM ANALYZE.
 *   2. 200 representative queries, 40 of each kind, drawn from the data: one common tag (the 20
 *      most used), two common tags, a common tag and a negated one, a wildcard (a common tag's
 *      first letters then *), a rare tag (1..10 posts).
 *   3. A warm-up pass of every query on both sides, then --rounds passes; in each, every query
 *      runs on both sides back to back (the order alternating), each side timed alone.
 *   4. p50 / p95 / max per side, overall and per kind; tmp/bench/search.json.
 *
 * Example: npm run bench -- search                     (N = 100,000, 200 queries, 3 rounds)
 *          npm run bench -- search --posts 20000 --rounds 1
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { createDatabaseIfMissing, dropDatabase, migrateDeploy } from '../app/db/admin';
import { createPrismaClient, type AppPrismaClient } from '../app/db/client';
import { createDbPool } from '../app/db/pg-pool';
import { expandWildcard } from '../app/db/post-search.repository';
import { COUNT_LIMIT, searchPosts } from '../app/services/posts/search/index';
import { withDatabase } from '../config/database-url';
import { env } from '../config/env';
import { seedPosts } from '../prisma/seed-posts';
import { defineBenchmark, type BenchRow } from './support/benchmark';
import { percentile, round } from './support/stats';

const P95_TARGET_MS = 50;
const PER_PAGE = 20;
const KINDS = ['common tag', 'two tags', 'tag and negation', 'wildcard', 'rare tag'] as const;
type Kind = (typeof KINDS)[number];

interface BenchQuery {
  kind: Kind;
  text: string;
  /** The plain SQL side: page and count statements with their parameters. */
  page: { sql: string; params: unknown[] };
  count: { sql: string; params: unknown[] };
}

async function tagIds(db: AppPrismaClient, names: string[]): Promise<Map<string, number>> {
  const rows = await db.tag.findMany({ where: { name: { in: names } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** Plain SQL over post_tags: `from` yields post_id rows (aliased pt) that match. */
function plain(from: string, params: unknown[]): Pick<BenchQuery, 'page' | 'count'> {
  return {
    page: { sql: `SELECT pt.post_id FROM ${from} ORDER BY pt.post_id DESC LIMIT ${PER_PAGE}`, params },
    count: { sql: `SELECT count(*)::int FROM (SELECT 1 FROM ${from} LIMIT ${COUNT_LIMIT + 1}) m`, params },
  };
}

async function buildQueries(db: AppPrismaClient, pool: pg.Pool, perKind: number): Promise<BenchQuery[]> {
  const common = (
    await db.tag.findMany({
      orderBy: [{ postCount: 'desc' }, { name: 'asc' }],
      take: 20,
      select: { name: true },
    })
  ).map((t) => t.name);
  const rare = (
    await db.tag.findMany({
      where: { postCount: { gte: 1, lte: 10 } },
      orderBy: { name: 'asc' },
      take: perKind,
      select: { name: true },
    })
  ).map((t) => t.name);
  const ids = await tagIds(db, [...common, ...rare]);
  const id = (name: string) => ids.get(name) as number;
  const at = <T>(list: readonly T[], i: number) => list[i % list.length] as T;
  const queries: BenchQuery[] = [];
  for (let i = 0; i < perKind; i += 1) {
    const a = at(common, i);
    const b = at(common, i + 1 + (i % 7));
    queries.push({ kind: 'common tag', text: a, ...plain('post_tags pt WHERE pt.tag_id = $1', [id(a)]) });
    queries.push({
      kind: 'two tags',
      text: `${a} ${b}`,
      ...plain(
        'post_tags pt JOIN post_tags b ON b.post_id = pt.post_id AND b.tag_id = $2 WHERE pt.tag_id = $1',
        [id(a), id(b)],
      ),
    });
    queries.push({
      kind: 'tag and negation',
      text: `${a} -${b}`,
      ...plain(
        'post_tags pt WHERE pt.tag_id = $1 AND NOT EXISTS (SELECT 1 FROM post_tags n WHERE n.post_id = pt.post_id AND n.tag_id = $2)',
        [id(a), id(b)],
      ),
    });
    const pattern = `${a.slice(0, Math.max(2, Math.min(4, a.length - 1)))}*`;
    const matches = (await expandWildcard(pool, pattern)).map((tag) => tag.id);
    queries.push({
      kind: 'wildcard',
      text: pattern,
      ...plain('(SELECT DISTINCT post_id FROM post_tags WHERE tag_id = ANY($1::int[])) pt', [matches]),
    });
    const r = at(rare, i);
    queries.push({ kind: 'rare tag', text: r, ...plain('post_tags pt WHERE pt.tag_id = $1', [id(r)]) });
  }
  return queries;
}

async function timeApp(pool: pg.Pool, query: BenchQuery): Promise<{ ms: number; ids: number[] }> {
  const t0 = performance.now();
  const result = await searchPosts(pool, query.text, { page: 1, perPage: PER_PAGE });
  return { ms: performance.now() - t0, ids: result.ids };
}

async function timePlain(pool: pg.Pool, query: BenchQuery): Promise<{ ms: number; ids: number[] }> {
  const t0 = performance.now();
  const [page] = await Promise.all([
    pool.query<{ post_id: number }>(query.page.sql, query.page.params),
    pool.query(query.count.sql, query.count.params),
  ]);
  return { ms: performance.now() - t0, ids: page.rows.map((r) => r.post_id) };
}

function summary(values: number[]) {
  return {
    p50: round(percentile(values, 50), 2),
    p95: round(percentile(values, 95), 2),
    max: round(Math.max(...values), 2),
  };
}

export default defineBenchmark({
  description: 'post search (Danbooru syntax) through the app vs. plain SQL of the same 200 queries',
  flags: {
    posts: { default: 100_000, description: 'posts seeded (prisma/seed-posts.ts)', min: 100 },
    queries: { default: 200, description: 'queries, spread evenly over the five kinds', min: 5 },
    rounds: { default: 3, description: 'timed passes over every query', min: 1 },
  },
  async run(ctx) {
    const { posts, rounds } = ctx.flags as { posts: number; rounds: number };
    const perKind = Math.max(1, Math.floor((ctx.flags.queries as number) / KINDS.length));
    const load = loadavg();
    const url = withDatabase(env().DATABASE_URL, `backlot_bench_search_${randomBytes(3).toString('hex')}`);
    ctx.log(
      `scratch database ${url.replace(/\/\/[^@]*@/, '//')}: creating, migrating, seeding ${posts} posts`,
    );
    await createDatabaseIfMissing(url);
    const db = createPrismaClient(url);
    const pool = createDbPool(url, 4); // both sides share it: the app searches on node-postgres too
    const times: Record<'app' | 'plain', Record<Kind, number[]>> = {
      app: Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Record<Kind, number[]>,
      plain: Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Record<Kind, number[]>,
    };
    let mismatches = 0;
    let queryCount: number;
    try {
      await migrateDeploy(url);
      const t0 = performance.now();
      await seedPosts(db, { posts, progress: process.stderr });
      await db.$executeRawUnsafe('VACUUM (ANALYZE)');
      ctx.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      const queries = await buildQueries(db, pool, perKind);
      queryCount = queries.length;
      for (const query of queries) {
        const [app, sql] = [await timeApp(pool, query), await timePlain(pool, query)];
        if (app.ids.join() !== sql.ids.join()) mismatches += 1;
      }
      for (let pass = 0; pass < rounds; pass += 1) {
        ctx.log(`round ${pass + 1} of ${rounds}`);
        for (const [i, query] of queries.entries()) {
          ctx.gc();
          const appFirst = (i + pass) % 2 === 0;
          const first = appFirst ? await timeApp(pool, query) : await timePlain(pool, query);
          const second = appFirst ? await timePlain(pool, query) : await timeApp(pool, query);
          times.app[query.kind].push((appFirst ? first : second).ms);
          times.plain[query.kind].push((appFirst ? second : first).ms);
        }
      }
    } finally {
      await db.$disconnect();
      await pool.end();
      await dropDatabase(url);
    }

    const all = (side: 'app' | 'plain') => KINDS.flatMap((k) => times[side][k]);
    const app = summary(all('app'));
    const sql = summary(all('plain'));
    const rows: BenchRow[] = [
      {
        section: 'all queries',
        metric: 'app search p50 / p95 / max (ms)',
        value: `${app.p50} / ${app.p95} / ${app.max}`,
        target: `p95 < ${P95_TARGET_MS} ms`,
        pass: app.p95 < P95_TARGET_MS,
      },
      {
        section: 'all queries',
        metric: 'plain SQL p50 / p95 / max (ms)',
        value: `${sql.p50} / ${sql.p95} / ${sql.max}`,
      },
      ...KINDS.map((kind) => {
        const a = summary(times.app[kind]);
        const p = summary(times.plain[kind]);
        return {
          section: kind,
          metric: 'p50 / p95 (ms): app vs plain SQL',
          value: `${a.p50} / ${a.p95} vs ${p.p50} / ${p.p95}`,
        };
      }),
      {
        section: 'check',
        metric: 'queries whose first page differs between the sides',
        value: String(mismatches),
      },
    ];
    return {
      metrics: {
        posts,
        queries: queryCount,
        rounds,
        loadAverageAtStart: load.map((l) => round(l, 2)),
        app,
        plain: sql,
        perKind: Object.fromEntries(
          KINDS.map((kind) => [kind, { app: summary(times.app[kind]), plain: summary(times.plain[kind]) }]),
        ),
        mismatches,
      },
      ratio: round(app.p95 / sql.p95, 2),
      rows,
      notes: [
        `each side: page 1 (${PER_PAGE} ids, newest first) and the count capped at ${COUNT_LIMIT + 1}; the app side also parses the query, resolves aliases and expands wildcards (2-3 more statements)`,
        `load average at start ${load.map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min): a shared machine`,
      ],
    };
  },
});
