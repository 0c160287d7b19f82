/**
 * worker-memory: peak RSS (VmHWM) of a real compiled bin/worker pool child, event bus on as
 * bin/worker runs it, over a backlog of PingJobs (issue #21 point 4; target < 150 MB).
 *
 * A scratch database (created, migrated, dropped at the end) is the DATABASE_URL of both commands,
 * since booting the app needs a migrated schema (a fresh clone has none).
 * Per run: a fresh QUEUE_PREFIX; `BACKLOT_RUNTIME=tsx bin/runner scripts/enqueue-pings.ts N`;
 * then `BACKLOT_RUNTIME=dist bin/worker --pool=default:C` (npm run bench built dist/ first); the
 * pool child's VmHWM and VmRSS are read from /proc every 200 ms until the prefix's default wait and
 * active lists are empty; then SIGTERM, and the prefix is deleted.
 *
 * Example: npm run bench -- worker-memory --runs 5 --jobs 100000
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createDatabaseIfMissing, dropDatabase, migrateDeploy } from '../app/db/admin';
import { withDatabase } from '../config/database-url';
import { env as appEnv } from '../config/env';
import { PROJECT_ROOT } from '../config/project-root';
import { defineBenchmark, sleep, type BenchContext, type BenchRow } from './support/benchmark';
import { benchPrefix, connect, deletePrefix } from './support/redis';
import { median, round } from './support/stats';

const MB = 1024;

/** VmHWM / VmRSS of a process in MB (kB in /proc), undefined once it is gone. */
function memoryOf(pid: number): { hwm: number; rss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { hwm: kb('VmHWM') / MB, rss: kb('VmRSS') / MB };
  } catch {
    return undefined;
  }
}

/** A bin/ command; `output`: its stdout and stderr piped here (they must then be read), else discarded. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, output = false): ChildProcess {
  return spawn(`${PROJECT_ROOT}/bin/${cmd}`, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: output ? ['ignore', 'pipe', 'pipe'] : 'ignore',
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

interface MemoryRun {
  peakMB: number;
  jobsPerSec: number;
}

async function memoryRun(
  ctx: BenchContext,
  databaseUrl: string,
  jobs: number,
  concurrency: number,
): Promise<MemoryRun> {
  const prefix = benchPrefix('worker-memory');
  const env = { QUEUE_PREFIX: prefix, REDIS_URL: ctx.redisUrl, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' };
  const redis = connect(ctx.redisUrl);
  try {
    const enqueue = run('runner', ['scripts/enqueue-pings.ts', String(jobs)], {
      ...env,
      BACKLOT_RUNTIME: 'tsx',
    });
    if ((await exited(enqueue)) !== 0) throw new Error('scripts/enqueue-pings.ts failed');
    const worker = run(
      'worker',
      [`--pool=default:${concurrency}`],
      { ...env, BACKLOT_RUNTIME: 'dist' },
      true,
    );
    let output = '';
    worker.stdout?.on('data', (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString();
    });
    worker.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    let workerExit: number | null | undefined;
    void exited(worker).then((code) => (workerExit = code));
    const started = performance.now();
    let childPid: number | undefined;
    let peak = 0;
    for (;;) {
      childPid ??= Number(/"childPid":(\d+)/.exec(output)?.[1]) || undefined;
      if (childPid) peak = Math.max(peak, memoryOf(childPid)?.hwm ?? 0);
      const left =
        (await redis.llen(`${prefix}:default:wait`)) + (await redis.llen(`${prefix}:default:active`));
      if (left === 0 && childPid) break;
      if (workerExit !== undefined)
        throw new Error(
          `bin/worker exited (${workerExit}) before draining (stale dist/? run bin/build):\n${output.slice(-2000)}`,
        );
      if (performance.now() - started > 600_000)
        throw new Error(`worker did not drain in 10 min:\n${output.slice(-2000)}`);
      await sleep(200);
    }
    if (childPid) peak = Math.max(peak, memoryOf(childPid)?.hwm ?? 0);
    const seconds = (performance.now() - started) / 1000;
    worker.kill('SIGTERM');
    await exited(worker);
    return { peakMB: round(peak, 1), jobsPerSec: Math.round(jobs / seconds) };
  } finally {
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
}

export default defineBenchmark({
  description: 'peak RSS of a compiled bin/worker pool child (event bus on) over a PingJob backlog',
  flags: {
    runs: { min: 1, default: 5, description: 'runs, each a fresh prefix and a fresh bin/worker' },
    jobs: { min: 1, default: 100_000, description: 'PingJobs enqueued before the worker starts' },
    concurrency: { min: 1, default: 8, description: 'the pool: --pool=default:N' },
  },
  async run(ctx) {
    const jobs = Number(ctx.flags.jobs);
    const concurrency = Number(ctx.flags.concurrency);
    const runs: MemoryRun[] = [];
    const databaseUrl = withDatabase(
      appEnv().DATABASE_URL,
      `backlot_bench_memory_${randomBytes(3).toString('hex')}`,
    );
    await createDatabaseIfMissing(databaseUrl);
    try {
      await migrateDeploy(databaseUrl);
      for (let i = 1; i <= Number(ctx.flags.runs); i += 1) {
        const result = await memoryRun(ctx, databaseUrl, jobs, concurrency);
        runs.push(result);
        ctx.log(`  run ${i}: peak ${result.peakMB} MB, ${result.jobsPerSec} jobs/s`);
      }
    } finally {
      await dropDatabase(databaseUrl);
    }
    const peaks = runs.map((r) => r.peakMB);
    const rows: BenchRow[] = [
      {
        section: `bin/worker --pool=default:${concurrency}, ${jobs} PingJobs, event bus on`,
        metric: 'pool child peak RSS (VmHWM), median of runs',
        value: `${round(median(peaks), 1)} MB`,
        target: `< 150 MB; runs: ${peaks.join(', ')} MB`,
      },
    ];
    return { metrics: { runs }, ratio: null, rows, notes: [] };
  },
});
