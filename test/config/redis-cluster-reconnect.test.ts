/**
 * A worker's Cluster connection from config/redis.ts reconnects while the cluster is failing
 * (issue #15): BullMQ recovers a stuck blocking read by disconnecting its blocking Cluster and
 * awaiting connect(); with ioredis's cluster ready check that promise never settled when the check
 * failed (cluster_state:fail, or CLUSTER INFO sent to a dead seed node), and the worker's fetch
 * waited forever.
 *
 * Steps: a 3-master cluster of the test's own, no replicas -> a worker connection, ready -> kill -9
 * one master and wait until the others say cluster_state:fail -> disconnect the connection (wait
 * for 'end', as BullMQ does) -> connect() resolves and the connection is ready, though the cluster
 * is still failing and the dead node is still a seed.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisConnection } from '../../app/framework/index';
import { createRedis } from '../../config/redis';
import { startCluster, type TestCluster } from '../support/redis-topologies';
import { waitUntil } from '../support/wait';

async function clusterState(port: number): Promise<string> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return /cluster_state:(\w+)/.exec(await client.cluster('INFO'))?.[1] ?? 'unknown';
  } finally {
    client.disconnect();
  }
}

describe('a worker Cluster connection while the cluster is failing', () => {
  let cluster: TestCluster;
  let connection: RedisConnection | undefined;

  beforeAll(async () => {
    cluster = await startCluster(3, 0, { nodeTimeoutMs: 1000 });
  }, 60_000);

  afterAll(async () => {
    connection?.disconnect();
    await cluster?.stop();
  });

  it('connects again: connect() settles although the ready check would fail', async () => {
    const env = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: '{bl-reconnect}',
      REDIS_CLUSTER_NODES: cluster.seeds,
    };
    const redis = createRedis(env, 'worker');
    connection = redis;
    redis.on('error', () => undefined);
    await waitUntil('the worker connection is ready', () => redis.status === 'ready');

    const [killed, ...alive] = cluster.nodes;
    if (!killed || alive.length === 0) throw new Error('the cluster support started no nodes');
    process.kill(killed.pid, 'SIGKILL');
    await waitUntil(
      'the surviving masters say cluster_state:fail',
      async () => (await Promise.all(alive.map((n) => clusterState(n.port)))).every((s) => s === 'fail'),
      { timeoutMs: 20_000, intervalMs: 200 },
    );

    const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
    redis.disconnect();
    await ended;
    const outcome = await Promise.race([
      redis.connect().then(
        () => 'resolved',
        (error: unknown) => `rejected: ${String(error)}`,
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('still pending after 15 s'), 15_000)),
    ]);
    expect(outcome).toBe('resolved');
    expect(redis.status).toBe('ready');
    expect(await clusterState(alive[0]?.port ?? 0)).toBe('fail');
  }, 60_000);
});
