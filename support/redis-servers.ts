/**
 * Private Redis servers from the machine's redis-server, on free loopback ports under
 * tmp/redis-topologies/<id>/ (nothing downloaded), for specs (test/support/redis-topologies.ts) and
 * benchmarks (bench/cluster.bench.ts) alike: one server, a Redis Cluster or a Sentinel group; start,
 * wait until ready, stop every server by its pid and remove the folder.
 *
 * Steps of startCluster(n, replicas): n * (1 + replicas) servers with --cluster-enabled, one folder
 * each (own nodes.conf) -> `redis-cli --cluster create` -> wait until CLUSTER INFO says ok on
 * every node. startSentinel(): a master, a replica of it, three sentinels monitoring `mymaster`
 * (down after 2 s) -> wait until every sentinel knows the master and its replica.
 * startRedisServer(): one plain server (no persistence).
 *
 * Example:
 *   const cluster = await startCluster(3); process.env.REDIS_CLUSTER_NODES = cluster.seeds; ...; await cluster.stop()
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { PROJECT_ROOT } from '../config/project-root';
import { freePort } from './free-port';

const run = promisify(execFile);
const ROOT = join(PROJECT_ROOT, 'tmp', 'redis-topologies');

export interface RedisNode {
  port: number;
  pid: number;
}

export interface TestTopology {
  /** host:port,... to give REDIS_CLUSTER_NODES or REDIS_SENTINELS. */
  seeds: string;
  nodes: RedisNode[];
  /** Stops every server (by pid) and removes the folder. */
  stop(): Promise<void>;
}

export interface TestCluster extends TestTopology {
  /** Masters' ports now (after a failover, replicas promoted). */
  masters(): Promise<number[]>;
}

export interface TestSentinel extends TestTopology {
  name: string;
  masterPort: number;
  replicaPort: number;
}

function folder(kind: string): string {
  const dir = join(ROOT, `${kind}-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function serverPid(port: number): Promise<number> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  // Not up yet: connect() rejects (waitFor retries); without a listener ioredis also prints the error.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    return Number(/process_id:(\d+)/.exec(info)?.[1]);
  } finally {
    client.disconnect();
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The arguments every private redis-server of the project's starts with: its port on loopback, no
 * RDB snapshots, its own folder and log file there; `appendOnly` for a server a test restarts and
 * expects to keep its data.
 */
export function redisServerArgs(port: number, dir: string, { appendOnly = false } = {}): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    appendOnly ? 'yes' : 'no',
    '--dir',
    dir,
    '--logfile',
    join(dir, 'redis.log'),
  ];
}

async function startServer(dir: string, port: number, args: string[]): Promise<RedisNode> {
  const own = join(dir, String(port));
  mkdirSync(own, { recursive: true });
  await run('redis-server', [
    ...args,
    ...redisServerArgs(port, own),
    '--daemonize',
    'yes',
    // A replica's first sync starts at once, not after the default 5 s wait for more replicas.
    '--repl-diskless-sync-delay',
    '0',
  ]);
  let pid = 0;
  await waitFor(`redis-server on ${port}`, async () => (pid = await serverPid(port)) > 0, 10_000).catch(
    (error: unknown) => {
      // Say why (e.g. "Address already in use": another process took the free port meanwhile).
      const log = existsSync(join(own, 'redis.log')) ? readFileSync(join(own, 'redis.log'), 'utf8') : '';
      throw new Error(`${String(error)}; its redis.log ends:\n${log.slice(-1500)}`);
    },
  );
  return { port, pid };
}

function stopAll(nodes: RedisNode[], dir: string): Promise<void> {
  for (const node of nodes) {
    try {
      process.kill(node.pid, 'SIGKILL');
    } catch {
      // gone already (a fault test killed it)
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return Promise.resolve();
}

/** One plain redis-server of the caller's own (no persistence), e.g. the single-Redis side of a benchmark. */
export async function startRedisServer(): Promise<TestTopology> {
  const dir = folder('single');
  const nodes: RedisNode[] = [];
  try {
    nodes.push(await startServer(dir, await freePort(), []));
  } catch (error) {
    await stopAll(nodes, dir);
    throw error;
  }
  return { seeds: `127.0.0.1:${nodes[0]?.port}`, nodes, stop: () => stopAll(nodes, dir) };
}

export interface ClusterOptions {
  /** cluster-node-timeout: how long a silent master takes to be failed over (default 2000 ms). */
  nodeTimeoutMs?: number;
}

/** A cluster of `masters` masters, each with `replicas` replicas. */
export async function startCluster(
  masters = 3,
  replicas = 0,
  { nodeTimeoutMs = 2000 }: ClusterOptions = {},
): Promise<TestCluster> {
  const dir = folder('cluster');
  const ports: number[] = [];
  for (let i = 0; i < masters * (1 + replicas); i += 1) ports.push(await freePort());
  const nodes: RedisNode[] = [];
  try {
    for (const port of ports)
      nodes.push(
        await startServer(dir, port, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, String(port), 'nodes.conf'),
          '--cluster-node-timeout',
          String(nodeTimeoutMs),
        ]),
      );
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports)
      await waitFor(`cluster state ok on ${port}`, async () => {
        const client = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await client.connect();
          const info = await client.cluster('INFO');
          const slots = (await client.cluster('SLOTS')) as unknown[][];
          // Each range: [from, to, master, ...its replicas]; replicas attach a moment after create.
          return (
            info.includes('cluster_state:ok') &&
            slots.length === masters &&
            slots.every((range) => range.length === 3 + replicas)
          );
        } finally {
          client.disconnect();
        }
      });
  } catch (error) {
    await stopAll(nodes, dir);
    throw error;
  }
  return {
    seeds: ports.map((p) => `127.0.0.1:${p}`).join(','),
    nodes,
    async masters() {
      const found: number[] = [];
      for (const node of nodes) {
        const client = new Redis({ port: node.port, lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await client.connect();
          if ((await client.info('replication')).includes('role:master')) found.push(node.port);
        } catch {
          // down
        } finally {
          client.disconnect();
        }
      }
      return found;
    },
    stop: () => stopAll(nodes, dir),
  };
}

/** One master, one replica, three sentinels watching them as `mymaster`. */
export async function startSentinel(name = 'mymaster'): Promise<TestSentinel> {
  const dir = folder('sentinel');
  const nodes: RedisNode[] = [];
  try {
    const masterPort = await freePort();
    nodes.push(await startServer(dir, masterPort, []));
    const replicaPort = await freePort();
    nodes.push(await startServer(dir, replicaPort, ['--replicaof', '127.0.0.1', String(masterPort)]));
    const sentinelPorts: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const port = await freePort();
      sentinelPorts.push(port);
      const conf = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${name} 2000`,
          `sentinel failover-timeout ${name} 5000`,
          '',
        ].join('\n'),
      );
      nodes.push(await startServer(dir, port, [conf, '--sentinel']));
    }
    for (const port of sentinelPorts)
      await waitFor(`sentinel ${port} knows ${name} and its replica`, async () => {
        const client = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await client.connect();
          const replicas = (await client.call('SENTINEL', 'REPLICAS', name)) as unknown[];
          return replicas.length >= 1;
        } finally {
          client.disconnect();
        }
      });
    return {
      name,
      masterPort,
      replicaPort,
      seeds: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
      nodes,
      stop: () => stopAll(nodes, dir),
    };
  } catch (error) {
    await stopAll(nodes, dir);
    throw error;
  }
}
