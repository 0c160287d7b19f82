/**
 * bur: `create alias` over every one of N posts through the real ProcessBulkUpdateRequestJob on a
 * real BullMQ worker (set-based SQL in chunks), against the same change done post by post (the
 * naive baseline: per post, read its tags, write its tags), on the same data, in the same run.
 *
 * Steps:
 *   1. A scratch database (created, migrated, dropped at the end; DATABASE_URL of this process is
 *      pointed at it, so the job's prisma() uses it): seedPosts(N) (prisma/seed-posts.ts: Zipf-like
 *      tags, 4..16 per post), then the tag bench_source on all N posts; VACUUM ANALYZE.
 *   2. A worker process in this process (startWorkerProcess, as bin/worker runs it: bulk_update,
 *      global concurrency 1) on a fresh Redis prefix.
 *   3. Per round, sides alternating (set-based first in odd rounds), the data reset between sides:
 *      - set-based: createBur('alias bench_source -> bench_target'); timed from approveBur (validate,
 *        record lines, enqueue) to the worker's 'completed' event. Also reported: the line's own
 *        time (startedAt -> finishedAt). Checked: N posts moved, counts right.
 *      - per post: the first --sample posts of bench_source, each tagNamesByPost + setPostTags
 *        (app/db/post.repository.ts, the app's one-post primitives, which keep post counts right);
 *        posts/s over the sample, N / that rate is the extrapolated time for all N posts.
 *      Reset: post_tags rows of bench_target back to bench_source, counts recounted, BUR rows,
 *      aliases and mod actions removed, VACUUM ANALYZE post_tags and tags.
 *   4. posts/s of both sides (medians over rounds) and the ratio.
 *
 * Example: npm run bench -- bur                      (N = 100,000, baseline sample 5,000)
 *          npm run bench -- bur --posts 20000 --sample 1000 --rounds 2
 */
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createDatabaseIfMissing, dropDatabase, migrateDeploy } from '../app/db/admin';
import { disconnectPrisma, prisma, type AppPrismaClient } from '../app/db/client';
import { setPostTags, tagNamesByPost } from '../app/db/post.repository';
import { recountTagPostCounts } from '../app/db/tag.repository';
import {
  BullmqAdapter,
  configureBacklot,
  registerJobs,
  startWorkerProcess,
  type WorkerProcess,
} from '../app/framework/index';
import { approveBur, createBur } from '../app/services/bulk-update-request/approval';
import { withDatabase } from '../config/database-url';
import { env, parseEnv } from '../config/env';
import { QUEUE_NAMES, QUEUES, WORKER_TIMINGS } from '../config/queues';
import { ProcessBulkUpdateRequestJob } from '../jobs/process-bulk-update-request.job';
import { seedPosts } from '../prisma/seed-posts';
import { defineBenchmark, type BenchContext, type BenchRow } from './support/benchmark';
import { benchPrefix, connect, deletePrefix } from './support/redis';
import { median, round } from './support/stats';

const SOURCE = 'bench_source';
const TARGET = 'bench_target';
const SET_BASED_TARGET = 50_000;
const RATIO_TARGET = 50;

interface SetBasedRun {
  round: number;
  seconds: number;
  postsPerSec: number;
  lineSeconds: number;
  linePostsPerSec: number;
}

interface NaiveRun {
  round: number;
  sample: number;
  seconds: number;
  postsPerSec: number;
  extrapolatedSeconds: number;
}

async function tagId(db: AppPrismaClient, name: string): Promise<number> {
  const rows = await db.$queryRaw<Array<{ id: number }>>`
    INSERT INTO tags (name, updated_at) VALUES (${name}, now())
    ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`;
  return rows[0]?.id ?? 0;
}

async function postCountOf(db: AppPrismaClient, name: string): Promise<{ stored: number; actual: number }> {
  const rows = await db.$queryRaw<Array<{ stored: number; actual: number }>>`
    SELECT t.post_count AS stored, (SELECT count(*)::int FROM post_tags WHERE tag_id = t.id) AS actual FROM tags t WHERE t.name = ${name}`;
  return rows[0] ?? { stored: -1, actual: -1 };
}

/** Puts the data back as seeded: every post on bench_source, nothing on bench_target, no BUR traces. */
async function reset(db: AppPrismaClient, ids: { source: number; target: number }): Promise<void> {
  await db.$executeRaw`UPDATE post_tags SET tag_id = ${ids.source} WHERE tag_id = ${ids.target}`;
  await recountTagPostCounts(db, [ids.source, ids.target]);
  await db.$executeRaw`DELETE FROM bulk_update_requests`;
  await db.$executeRaw`DELETE FROM tag_aliases`;
  await db.$executeRaw`DELETE FROM mod_actions`;
  await db.$executeRawUnsafe('VACUUM (ANALYZE) post_tags, tags');
}

async function runSetBased(
  ctx: BenchContext,
  db: AppPrismaClient,
  worker: WorkerProcess,
  users: { member: { id: number; level: 'member' }; admin: { id: number; level: 'admin' } },
  round: number,
  posts: number,
): Promise<SetBasedRun> {
  const { bur } = await createBur(users.member, `alias ${SOURCE} -> ${TARGET}`, 'bench', { db });
  const bullWorker = worker.worker.workers[0];
  if (!bullWorker) throw new Error('no bulk_update worker');
  ctx.gc();
  let jobId = '';
  const finished = new Promise<void>((resolve, reject) => {
    const onCompleted = (job: { id?: string }) => {
      if (job.id !== jobId) return;
      bullWorker.off('completed', onCompleted);
      bullWorker.off('failed', onFailed);
      resolve();
    };
    const onFailed = (job: { id?: string; failedReason?: string } | undefined) => {
      if (job?.id !== jobId) return;
      bullWorker.off('completed', onCompleted);
      bullWorker.off('failed', onFailed);
      reject(new Error(`the BUR job failed: ${job.failedReason ?? '?'}`));
    };
    bullWorker.on('completed', onCompleted);
    bullWorker.on('failed', onFailed);
  });
  const t0 = performance.now();
  jobId = (await approveBur(bur, users.admin, { db })).jobId;
  await finished;
  const seconds = (performance.now() - t0) / 1000;

  const line = await db.bulkUpdateRequestLine.findFirstOrThrow({ where: { bulkUpdateRequestId: bur.id } });
  const lineSeconds = ((line.finishedAt?.getTime() ?? 0) - (line.startedAt?.getTime() ?? 0)) / 1000;
  const target = await postCountOf(db, TARGET);
  const source = await postCountOf(db, SOURCE);
  if (
    target.actual !== posts ||
    target.stored !== posts ||
    source.actual !== 0 ||
    source.stored !== 0 ||
    line.rowsDone !== posts
  ) {
    throw new Error(
      `set-based run moved the wrong posts: target ${JSON.stringify(target)}, source ${JSON.stringify(source)}, rowsDone ${line.rowsDone}`,
    );
  }
  return { round, seconds, postsPerSec: posts / seconds, lineSeconds, linePostsPerSec: posts / lineSeconds };
}

async function runNaive(
  ctx: BenchContext,
  db: AppPrismaClient,
  round: number,
  posts: number,
  sample: number,
): Promise<NaiveRun> {
  const rows = await db.$queryRaw<Array<{ post_id: number }>>`
    SELECT pt.post_id FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ${SOURCE} ORDER BY pt.post_id LIMIT ${sample}`;
  const ids = rows.map((row) => row.post_id);
  ctx.gc();
  const t0 = performance.now();
  for (const id of ids) {
    const names = (await tagNamesByPost(db, [id])).get(id) ?? [];
    await setPostTags(
      db,
      id,
      names.map((name) => (name === SOURCE ? TARGET : name)),
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  const target = await postCountOf(db, TARGET);
  if (target.actual !== ids.length || target.stored !== ids.length)
    throw new Error(`per-post run moved the wrong posts: ${JSON.stringify(target)}`);
  const postsPerSec = ids.length / seconds;
  return { round, sample: ids.length, seconds, postsPerSec, extrapolatedSeconds: posts / postsPerSec };
}

export default defineBenchmark({
  description: 'create alias over N posts: the BUR job (set-based, chunked) vs. the same change post by post',
  flags: {
    posts: { default: 100_000, description: 'posts seeded, all carrying the aliased tag', min: 1 },
    sample: {
      default: 5_000,
      description: 'posts the per-post baseline changes (its rate is extrapolated to N)',
      min: 1,
    },
    chunk: { default: 5_000, description: 'posts per chunk statement of the job', min: 1 },
    rounds: { default: 1, description: 'rounds, sides alternating', min: 1 },
  },
  async run(ctx) {
    const { posts, chunk, rounds } = ctx.flags as { posts: number; chunk: number; rounds: number };
    const sample = Math.min(ctx.flags.sample as number, posts);
    const load = loadavg();
    const base = parseEnv(process.env).DATABASE_URL;
    const url = withDatabase(base, `backlot_bench_bur_${process.pid}_${randomBytes(3).toString('hex')}`);
    process.env.DATABASE_URL = url;
    if (env().DATABASE_URL !== url)
      throw new Error('env() was read before the benchmark could point DATABASE_URL at its scratch database');
    const prefix = benchPrefix('bur');
    const redis = connect(ctx.redisUrl);
    let adapter: BullmqAdapter | undefined;
    let worker: WorkerProcess | undefined;
    const setBased: SetBasedRun[] = [];
    const naive: NaiveRun[] = [];
    let seedSeconds: number | undefined;
    try {
      ctx.log(`scratch database ${url.replace(/\/\/[^@]*@/, '//')}`);
      await createDatabaseIfMissing(url);
      await migrateDeploy(url);
      const db = prisma();
      const t0 = performance.now();
      await seedPosts(db, { posts, progress: process.stderr });
      const ids = { source: await tagId(db, SOURCE), target: await tagId(db, TARGET) };
      await db.$executeRaw`INSERT INTO post_tags (post_id, tag_id) SELECT id, ${ids.source} FROM posts ON CONFLICT DO NOTHING`;
      await recountTagPostCounts(db, [ids.source, ids.target]);
      await db.$executeRawUnsafe('VACUUM (ANALYZE)');
      seedSeconds = (performance.now() - t0) / 1000;
      const rows = await db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM post_tags`;
      ctx.log(`seeded ${posts} posts, ${rows[0]?.n ?? 0} post_tags rows in ${seedSeconds.toFixed(0)} s`);
      const member = await db.user.create({ data: { name: 'bench_member', level: 'member' } });
      const admin = await db.user.create({ data: { name: 'bench_admin', level: 'admin' } });
      const users = {
        member: { id: member.id, level: 'member' as const },
        admin: { id: admin.id, level: 'admin' as const },
      };

      const destination = pino.destination('/dev/null');
      await once(destination, 'ready');
      adapter = new BullmqAdapter({ connection: connect(ctx.redisUrl), prefix });
      configureBacklot({ adapter, logger: pino({ level: 'info' }, destination), queues: QUEUE_NAMES });
      registerJobs([ProcessBulkUpdateRequestJob]);
      ProcessBulkUpdateRequestJob.chunkSize = chunk;
      worker = await startWorkerProcess({
        pool: { queues: ['bulk_update'], concurrency: 1 },
        connect: () => connect(ctx.redisUrl),
        prefix,
        timings: WORKER_TIMINGS,
        globalConcurrency: Object.fromEntries(QUEUE_NAMES.map((q) => [q, QUEUES[q].globalConcurrency])),
      });
      const running = worker;

      for (let r = 1; r <= rounds; r += 1) {
        const order = r % 2 === 1 ? (['set', 'naive'] as const) : (['naive', 'set'] as const);
        for (const side of order) {
          if (side === 'set') {
            const run = await runSetBased(ctx, db, running, users, r, posts);
            setBased.push(run);
            ctx.log(
              `round ${r} set-based: ${Math.round(run.postsPerSec)} posts/s approve -> completed (${run.seconds.toFixed(2)} s); line alone ${Math.round(run.linePostsPerSec)} posts/s (${run.lineSeconds.toFixed(2)} s)`,
            );
          } else {
            const run = await runNaive(ctx, db, r, posts, sample);
            naive.push(run);
            ctx.log(
              `round ${r} per post : ${Math.round(run.postsPerSec)} posts/s over ${run.sample} posts (${run.seconds.toFixed(1)} s; ${posts} posts would take ${run.extrapolatedSeconds.toFixed(0)} s)`,
            );
          }
          await reset(db, ids);
        }
      }
    } finally {
      ProcessBulkUpdateRequestJob.chunkSize = undefined;
      await worker?.shutdown(10_000);
      await adapter?.close();
      await disconnectPrisma();
      await dropDatabase(url).catch((error: unknown) => ctx.log(`could not drop ${url}: ${String(error)}`));
      await deletePrefix(redis, prefix);
      await redis.quit();
    }

    const setRate = median(setBased.map((r) => r.postsPerSec));
    const lineRate = median(setBased.map((r) => r.linePostsPerSec));
    const naiveRate = median(naive.map((r) => r.postsPerSec));
    const ratio = setRate / naiveRate;
    const chunks = Math.ceil(posts / chunk);
    const rows: BenchRow[] = [
      {
        section: 'set-based (BUR job)',
        metric: 'posts/s, approve -> job completed',
        value: Math.round(setRate).toLocaleString('en-US'),
        target: `>= ${SET_BASED_TARGET.toLocaleString('en-US')}`,
        pass: setRate >= SET_BASED_TARGET,
      },
      {
        section: 'set-based (BUR job)',
        metric: 'posts/s, the line alone',
        value: Math.round(lineRate).toLocaleString('en-US'),
      },
      {
        section: 'set-based (BUR job)',
        metric: 'chunk statements',
        value: String(chunks),
        target: `${posts} posts / ${chunk} per chunk`,
      },
      {
        section: 'per post (baseline)',
        metric: 'posts/s',
        value: Math.round(naiveRate).toLocaleString('en-US'),
        target: `measured on ${sample.toLocaleString('en-US')} posts, extrapolated to ${posts.toLocaleString('en-US')}`,
      },
      {
        section: 'per post (baseline)',
        metric: `seconds for ${posts.toLocaleString('en-US')} posts (extrapolated)`,
        value: (posts / naiveRate).toFixed(0),
      },
      {
        section: 'ratio',
        metric: 'set-based / per post',
        value: `${ratio.toFixed(1)}x`,
        target: `>= ${RATIO_TARGET}x`,
        pass: ratio >= RATIO_TARGET,
      },
    ];
    return {
      metrics: {
        posts,
        sample,
        chunk,
        rounds,
        seedSeconds: round(seedSeconds ?? 0, 1),
        loadAverageAtStart: load.map((l) => round(l, 2)),
        setBased: { postsPerSec: round(setRate, 0), linePostsPerSec: round(lineRate, 0), runs: setBased },
        perPost: {
          postsPerSec: round(naiveRate, 1),
          extrapolatedSeconds: round(posts / naiveRate, 1),
          runs: naive,
        },
      },
      ratio: round(ratio, 1),
      rows,
      notes: [
        `the per-post baseline ran on ${sample.toLocaleString('en-US')} of the ${posts.toLocaleString('en-US')} posts; its rate is extrapolated to all of them`,
        `load average at start ${load.map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min): a shared, loaded machine slows both sides`,
        'set-based time runs from approveBur (validation, lines, enqueue) to the worker\'s completed event; "the line alone" is the line\'s startedAt -> finishedAt',
      ],
    };
  },
});
