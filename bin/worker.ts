/**
 * bin/worker: runs job worker pools, delayed_job style.
 *
 *   bin/worker                                  one pool per queue in config/queues.ts
 *   bin/worker --pool=default:8 --pool=bulk_update
 *
 * The supervisor forks one child per pool (--child, internal) and restarts crashed children;
 * SIGTERM/SIGINT stop gracefully (config WORKER_TIMINGS.shutdownGraceMs), a second signal at once.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import {
  configureBacklot,
  formatPoolSpec,
  parsePoolSpec,
  POOL_NODE_FLAGS,
  runSupervisor,
  startWorkerProcess,
  type PoolSpec,
} from '../app/framework/index';
import { closeDbPool } from '../app/db/pg-pool';
import { startDeleter } from '../app/services/deletion/index';
import { startJobHistory } from '../app/services/job-history/index';
import { bootBacklot } from '../config/backlot';
import { boot } from '../config/boot';
import { checkModuleFile } from '../config/command-line-module';
import { loadJobModules } from '../config/job-modules';
import { startAppOutboxRelay } from '../config/outbox';
import { env } from '../config/env';
import { logger, nameProcessRole } from '../config/logger';
import { QUEUE_NAMES, QUEUES, workerTimings } from '../config/queues';
import { createRedis, topologyOf } from '../config/redis';
import { assertServices } from '../config/services';

const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command('bin/worker')
  .description(
    'Run job worker pools: each pool is a child process running up to N jobs at once from its queues.',
  )
  .option(
    '--pool <QUEUES[:N]>',
    `a pool: comma-separated queue names ("*" or empty: every queue) and how many jobs it runs at once (default 1); repeatable. Queues: ${QUEUE_NAMES.join(', ')}. Without --pool: ${QUEUE_NAMES.map((q) => `${q}:${QUEUES[q].concurrency}`).join(' ')}`,
    collect,
    [] as string[],
  )
  .addHelpText('after', '\nExample:\n  bin/worker --pool=default:8 --pool=bulk_update\n')
  .option(
    '--require <module>',
    'also load job classes exported by this module (repeatable), like sidekiq -r',
    collect,
    [] as string[],
  )
  .option('--child <spec>', 'internal: run one pool in this process');

/** A pool's role in its log lines: "worker default:8", "worker bulk_update" (one job at a time). */
function poolRole(pool: PoolSpec): string {
  return `worker ${pool.queues.join(',')}${pool.concurrency === 1 ? '' : `:${pool.concurrency}`}`;
}

async function runChild(spec: string, requires: string[]): Promise<void> {
  const pool = parsePoolSpec(spec, QUEUE_NAMES);
  nameProcessRole(poolRole(pool));
  // Signal handlers first: the pool takes jobs before it has finished starting (the deleter starts
  // after it), and a SIGTERM in that window must stop it gracefully, not end the process with Node's
  // default action. A signal that arrives before the pool is up is acted on as soon as it is.
  let signals = 0;
  let onStop: (() => Promise<void>) | undefined = undefined;
  const onSignal = () => {
    signals += 1;
    if (onStop) void onStop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // The supervisor died (even kill -9): stop gracefully instead of running orphaned.
  process.on('disconnect', onSignal);

  const e = env();
  const backlot = bootBacklot({ events: 'publish' });
  await loadJobModules(requires);
  // Job history: every finished execution, written to PostgreSQL in batches (JOB_HISTORY=off: none).
  const history = startJobHistory({
    databaseUrl: e.DATABASE_URL,
    logger: logger(),
    filterKeys: e.LOG_FILTER_KEYS,
    enabled: e.JOB_HISTORY === 'on',
  });
  const globalConcurrency = Object.fromEntries(QUEUE_NAMES.map((q) => [q, QUEUES[q].globalConcurrency]));
  const proc = await startWorkerProcess({
    pool,
    connect: () => createRedis(e, 'worker'),
    prefix: e.QUEUE_PREFIX,
    layout: topologyOf(e).layout,
    timings: workerTimings(e),
    globalConcurrency,
  });
  // The background deleter (marked posts and uploads); one per database is active at a time.
  const deleter = await startDeleter();
  // The outbox relay (jobs enqueued in transactions); one per database leads at a time.
  const relay = startAppOutboxRelay(backlot.adapter);
  let stopping = false;
  onStop = async () => {
    if (stopping) {
      await proc.kill();
      process.exit(1);
    }
    stopping = true;
    await proc.shutdown();
    // After the pool's jobs have finished: their executions are in the buffer, flushed here.
    await history?.stop();
    await relay?.stop();
    await deleter.stop();
    await closeDbPool();
    await backlot.shutdown();
    process.exit(0);
  };
  for (let i = 0; i < Math.min(signals, 2); i += 1) void onStop();
}

function runParent(specs: string[], requires: string[]): void {
  const pools: PoolSpec[] =
    specs.length > 0
      ? specs.map((s) => parsePoolSpec(s, QUEUE_NAMES))
      : QUEUE_NAMES.map((q) => ({ queues: [q], concurrency: QUEUES[q].concurrency }));
  const script = fileURLToPath(import.meta.url);
  // POOL_NODE_FLAGS in the environment replaces the framework's (pool-node-flags.ts says why they are).
  const override = env().POOL_NODE_FLAGS;
  const poolFlags = override === undefined ? POOL_NODE_FLAGS : override.split(/\s+/).filter(Boolean);
  const supervisor = runSupervisor({
    pools,
    // detached: a terminal's Ctrl-C reaches the supervisor only, which forwards one signal.
    spawnChild: (pool) =>
      fork(script, ['--child', formatPoolSpec(pool), ...requires.flatMap((r) => ['--require', r])], {
        detached: true,
        stdio: 'inherit',
        execArgv: [...process.execArgv, ...poolFlags],
      }),
  });
  process.on('SIGTERM', () => supervisor.stop('SIGTERM'));
  process.on('SIGINT', () => supervisor.stop('SIGINT'));
}

await boot(async () => {
  const options = program.parse().opts<{ pool: string[]; require: string[]; child?: string }>();
  env();
  await assertServices({ redis: true, postgres: true });
  if (options.child) {
    await runChild(options.child, options.require);
  } else {
    nameProcessRole('worker');
    for (const spec of options.pool) parsePoolSpec(spec, QUEUE_NAMES);
    // A --require naming no file would crash every pool child at start, in a restart loop.
    for (const path of options.require) checkModuleFile(path, '--require');
    logger().info({ pools: options.pool }, 'Starting worker supervisor');
    configureBacklot({ logger: logger() });
    runParent(options.pool, options.require);
  }
});
