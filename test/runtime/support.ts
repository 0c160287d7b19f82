/**
 * Helpers for the runtime fault tests (test/runtime): real bin/worker processes against real
 * Redis, killed and restarted on purpose.
 *
 * - startWorker(): bin/worker with the test's env; knows the supervisor's pid and every pool
 *   child it forked, and kills them all (kill -9) in afterAll, whatever the test did.
 * - killProcessesOf(prefix): the safety net behind that: every process of this user whose
 *   environment carries QUEUE_PREFIX=<prefix> (only this test file uses the prefix).
 * - kill9AndAwait(pids): kill -9 chosen processes and wait until they are gone.
 * - waitUntil(): polls a condition with a bounded wait and a message saying what did not happen.
 * - useWorkerScope(): useRedisPrefix plus killing the prefix's processes before its keys go; on
 *   any Redis topology (test/support/redis-target.ts), processEnv(scope) carrying it to bin/.
 * - useBacklot(): a BullmqAdapter on the test's prefix and key layout, so fixture jobs are
 *   enqueued in-process.
 * - useRuntimeSpec(): the usual first lines of a process spec in one: useWorkerScope, useBacklot,
 *   processEnv and a Redis connection on the scope (opened when first read).
 * - useRedisServer(): a private redis-server on a free port (appendonly, so it can restart with
 *   its data), shut down in afterAll.
 *
 * Example:
 *   const { scope, env, redis, adapter } = useRuntimeSpec('kill-9', { env: FAST_TIMINGS });
 *   const w = startWorker(['--pool=default:2', '--require', FIXTURES], env); await w.started('default:2');
 *   process.kill(w.childPid(), 'SIGKILL');
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  registerJobs,
  type AnyJobClass,
  type RedisConnection,
} from '../../app/framework/index';
import { QUEUE_NAMES } from '../../config/queues';
import { redisServerArgs } from '../../support/redis-servers';
import { freePort, spawnBin, type BinProcess } from '../support/processes';

export { freePort };
import { useRedisPrefix, type RedisScope } from '../support/redis';
import type { RedisTarget } from '../support/redis-target';
import { sleep, waitUntil } from '../support/wait';

export const FIXTURES = 'test/fixtures/jobs.ts';

/** Short lock and stall timings for fault tests (production: 30 s each, see config/queues.ts). */
export const FAST_TIMINGS = {
  WORKER_LOCK_DURATION_MS: '3000',
  WORKER_STALLED_INTERVAL_MS: '1000',
} as const;

export { sleep, waitUntil };

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function kill9(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** kill -9 each pid, then waits (as waitUntil does) until none is alive; `what` names them in a timeout. */
export async function kill9AndAwait(pids: readonly number[], what: string): Promise<void> {
  for (const pid of pids) kill9(pid);
  await waitUntil(what, () => pids.every((pid) => !isAlive(pid)));
}

/** Pids of this user's processes whose environment has QUEUE_PREFIX=<prefix> (Linux /proc). */
export function processesOf(prefix: string): number[] {
  const wanted = `QUEUE_PREFIX=${prefix}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (environ.split('\0').includes(wanted)) found.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/** kill -9 every process of the prefix and wait (bounded) until none is left. */
export async function killProcessesOf(prefix: string): Promise<void> {
  for (let round = 0; round < 50; round += 1) {
    const pids = processesOf(prefix);
    if (pids.length === 0) return;
    for (const pid of pids) kill9(pid);
    await sleep(100);
  }
  throw new Error(`processes of ${prefix} survived kill -9: ${processesOf(prefix).join(', ')}`);
}

export interface WorkerHandle {
  readonly proc: BinProcess;
  /** The supervisor (the process bin/worker runs as). */
  readonly pid: number;
  /** Resolves once a pool child logged "Worker started for pool ...". */
  started(spec?: string, timeoutMs?: number): Promise<void>;
  /** Every pool child pid the supervisor reported forking, in order. */
  childPids(): number[];
  /** The most recently forked pool child. */
  childPid(): number;
  /** kill -9 the supervisor and every child it forked; resolves once they are gone. */
  kill9(): Promise<void>;
}

const everyWorker: { prefix: string | undefined; handle: WorkerHandle }[] = [];

async function killWorkers(prefix?: string): Promise<void> {
  const mine = everyWorker.filter((w) => prefix === undefined || w.prefix === prefix);
  await Promise.all(mine.map((w) => w.handle.kill9()));
  const prefixes = new Set(mine.flatMap((w) => (w.prefix ? [w.prefix] : [])));
  if (prefix) prefixes.add(prefix);
  for (const p of prefixes) await killProcessesOf(p);
}

// Safety net for a file that forgot useWorkerScope: nothing outlives the file.
afterAll(() => killWorkers());

/**
 * useRedisPrefix plus process cleanup, in a describe block: its afterAll kills every process of
 * the prefix before the prefix's keys are deleted (so no worker writes them back).
 */
export function useWorkerScope(label: string, target?: RedisTarget): RedisScope {
  const scope = useRedisPrefix(label, target);
  afterAll(() => killWorkers(scope.prefix)); // registered later, so it runs before the key cleanup
  return scope;
}

async function waitForDeath(pids: number[], timeoutMs = 10_000): Promise<void> {
  await waitUntil(`pids ${pids.join(', ')} are gone`, () => pids.every((pid) => !isAlive(pid)), {
    timeoutMs,
    intervalMs: 50,
  });
}

/** Runs bin/worker with the test's env; everything it starts is killed in afterAll. */
export function startWorker(args: string[], env: Record<string, string | undefined>): WorkerHandle {
  const proc = spawnBin('worker', args, env);
  const pid = proc.child.pid;
  if (pid === undefined) throw new Error('bin/worker did not start');
  const childPids = () => [...proc.output().matchAll(/"childPid":(\d+)/g)].map((m) => Number(m[1]));
  const handle: WorkerHandle = {
    proc,
    pid,
    async started(spec, timeoutMs = 60_000) {
      const pattern = spec
        ? new RegExp(`Worker started for pool ${spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)
        : /Worker started for pool/;
      await proc.waitFor(pattern, timeoutMs); // tsx compiles on start: slow on a loaded machine
    },
    childPids,
    childPid() {
      const pids = childPids();
      const last = pids[pids.length - 1];
      if (last === undefined)
        throw new Error(`bin/worker ${pid} has not forked a pool yet:\n${proc.output()}`);
      return last;
    },
    async kill9() {
      const pids = [pid, ...childPids()];
      for (const p of pids) kill9(p);
      await waitForDeath(pids);
    },
  };
  everyWorker.push({ prefix: env.QUEUE_PREFIX, handle });
  return handle;
}

/**
 * The env every bin/ process of a test gets: given a scope, also its target's Redis variables, so
 * the process reaches the same Redis, Sentinel group or cluster as the test (extra wins).
 */
export function processEnv(
  scope: string | RedisScope,
  extra: Record<string, string> = {},
): Record<string, string> {
  const redis = typeof scope === 'string' ? {} : scope.target.env;
  const prefix = typeof scope === 'string' ? scope : scope.prefix;
  return { ...redis, QUEUE_PREFIX: prefix, NODE_ENV: 'test', JOB_ADAPTER: 'bullmq', ...extra };
}

/**
 * In a describe block: configures this test process (in beforeAll) to enqueue into the scope's prefix through
 * the BullMQ adapter (and registers job classes the test defines); closed in afterAll.
 */
export function useBacklot(scope: RedisScope, jobs: readonly AnyJobClass[] = []): BullmqAdapter {
  const adapter = new BullmqAdapter({
    connection: scope.connection(),
    prefix: scope.prefix,
    layout: scope.layout,
  });
  registerJobs(jobs);
  // In beforeAll, not at once: a file with a block per topology (describeEachTopology) collects
  // every block before running one, and each block must enqueue through its own adapter.
  beforeAll(() => configureBacklot({ adapter, queues: QUEUE_NAMES }));
  afterAll(() => adapter.close());
  return adapter;
}

export interface RuntimeSpec {
  readonly scope: RedisScope;
  /** processEnv(scope, options.env): the env of the spec's bin/ processes. */
  readonly env: Record<string, string>;
  /** processEnv(scope, FAST_TIMINGS): short lock and stall timings, for a test that kills a pool. */
  readonly fastEnv: Record<string, string>;
  /** processEnv(scope, extra), for a test whose processes need other settings. */
  readonly envWith: (extra: Record<string, string>) => Record<string, string>;
  /** The useBacklot adapter of the scope. */
  readonly adapter: BullmqAdapter;
  /** A connection on the scope, opened when first read. */
  readonly redis: RedisConnection;
}

/**
 * In a describe block: useWorkerScope(label, target), useBacklot(scope, jobs) and
 * processEnv(scope, env), with a connection on the scope: a process spec's usual set-up.
 */
export function useRuntimeSpec(
  label: string,
  options: { target?: RedisTarget; jobs?: readonly AnyJobClass[]; env?: Record<string, string> } = {},
): RuntimeSpec {
  const scope = useWorkerScope(label, options.target);
  const adapter = useBacklot(scope, options.jobs);
  let redis: RedisConnection | undefined;
  return {
    scope,
    env: processEnv(scope, options.env),
    fastEnv: processEnv(scope, FAST_TIMINGS),
    envWith: (extra) => processEnv(scope, extra),
    adapter,
    get redis() {
      redis ??= scope.connection();
      return redis;
    },
  };
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** SHUTDOWN (the append-only file is flushed), then start again on the same port and dir. */
  restart(): Promise<void>;
  /** SHUTDOWN and wait for the process to exit. */
  shutdown(): Promise<void>;
  start(): Promise<void>;
}

/**
 * In a describe block: a private redis-server on a free port whose data survives a restart
 * (appendonly), started in beforeAll and shut down (its directory removed) in afterAll. Read
 * url/port once beforeAll ran.
 */
export function useRedisServer(): RedisServer {
  let server: RedisServer | undefined;
  const get = () => {
    if (!server) throw new Error('the redis-server starts in beforeAll');
    return server;
  };
  beforeAll(async () => {
    server = await launchRedisServer();
  });
  afterAll(async () => {
    if (!server) return;
    await server.shutdown();
    rmSync(server.dir, { recursive: true, force: true });
  });
  return {
    get port() {
      return get().port;
    },
    get url() {
      return get().url;
    },
    get dir() {
      return get().dir;
    },
    restart: () => get().restart(),
    shutdown: () => get().shutdown(),
    start: () => get().start(),
  };
}

async function launchRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'backlot-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const ping = async () => {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  };

  const server: RedisServer = {
    port,
    url,
    dir,
    async start() {
      const proc = spawn('redis-server', redisServerArgs(port, dir, { appendOnly: true }), {
        stdio: 'ignore',
      });
      child = proc;
      exited = new Promise((resolve) => proc.once('exit', () => resolve()));
      await waitUntil(`redis-server answers on port ${port}`, ping, { timeoutMs: 10_000, intervalMs: 50 });
    },
    async shutdown() {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      await client.call('SHUTDOWN').catch(() => undefined); // the connection closes before a reply
      client.disconnect();
      await Promise.race([exited, sleep(10_000)]);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
    async restart() {
      await server.shutdown();
      await server.start();
    },
  };
  await server.start();
  return server;
}
