/**
 * The one Redis connection factory: every Redis user in the project (producers, workers,
 * heartbeats, the cancel subscriber, the event stream, the cron clock, web sessions and rate
 * limits, Bull Board, bin/jobs) opens its connection here, for one Redis, a Sentinel group or a
 * Redis Cluster (config/redis-topology.ts).
 *
 * Producers fail a command after a few retries instead of hanging while Redis is away; workers use
 * maxRetriesPerRequest: null as BullMQ requires for blocking reads (on a cluster: in redisOptions),
 * and reconnect forever with a capped backoff.
 *
 * Cluster failover: a worker's Cluster (and BullMQ's blocking duplicate of it) skips ioredis's
 * cluster ready check (CLUSTER INFO after the slots are fetched). When that check fails, ioredis
 * disconnects and reconnects on its own timer, and the promise of the connect() call that began
 * it never settles (ioredis issue #709; PR #741 is still open). BullMQ 6.7 recovers a stuck
 * blocking read (BZPOPMIN on the killed master) by disconnecting its blocking Cluster and awaiting
 * connect(); during a failover the check fails (cluster_state:fail, or CLUSTER INFO sent to the
 * dead seed node), so that fetch waited forever and the pool took no more jobs from the queue.
 * Without the check, connect() resolves once the slots are known; a command to a slot still
 * failing over gets CLUSTERDOWN and is retried (retryDelayOnClusterDown) like any other.
 *
 * Logging: a producer connection writes one line when it loses Redis and one when it is back, with
 * the outage's length (the framework's RedisOutage), not a line per reconnect attempt. A worker
 * connection is named and watched by the worker process that uses it (worker, heartbeat, cancel
 * subscriber: see app/framework/runtime/worker-process.ts); the event bus watches its own.
 *
 * Example: const redis = createRedis(env(), 'worker')   // or createRedis('redis://127.0.0.1:6380')
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { prefixBase, scanKeys, watchRedisOutage, type RedisConnection } from '../app/framework/index';
import { logger } from './logger';
import { redisTopology, type RedisEnv, type RedisTopology } from './redis-topology';

/**
 * producer: fails commands after a few retries, watched here; worker: blocking reads, watched by
 * the worker process; watched: like a producer, for a user that watches its connection itself (the
 * event bus's publisher), so an outage is one line from that user, not two.
 */
export type RedisRole = 'producer' | 'worker' | 'watched';

const retryStrategy = (times: number) => Math.min(times * 200, 2_000);

/** The topology of a URL, a topology, or the environment's Redis settings. */
export function topologyOf(source: string | RedisTopology | RedisEnv): RedisTopology {
  if (typeof source === 'string') return { kind: 'single', url: source, layout: 'single' };
  if ('kind' in source) return source;
  return redisTopology(source);
}

export function createRedis(
  source: string | RedisTopology | RedisEnv,
  role: RedisRole = 'producer',
  connectionName?: string,
): RedisConnection {
  const topology = topologyOf(source);
  const base: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    retryStrategy,
    lazyConnect: false,
    ...(connectionName ? { connectionName } : {}),
  };
  let redis: RedisConnection;
  switch (topology.kind) {
    case 'single':
      redis = new Redis(topology.url, base);
      break;
    case 'sentinel':
      redis = new Redis({
        ...topology.options,
        ...base,
        sentinels: topology.sentinels,
        name: topology.name,
        ...(topology.sentinelPassword ? { sentinelPassword: topology.sentinelPassword } : {}),
        sentinelRetryStrategy: retryStrategy,
      });
      break;
    case 'cluster':
      redis = new Cluster(topology.nodes, {
        redisOptions: { ...topology.options, ...base },
        clusterRetryStrategy: retryStrategy,
        // Worker: no cluster-level ready check, so Cluster#connect() always settles (see header).
        enableReadyCheck: role !== 'worker',
        // A failover takes seconds: queue commands meanwhile instead of failing them at once.
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 300,
        ...(topology.options.tls ? { dnsLookup: (address, done) => done(null, address) } : {}),
      });
      break;
  }
  if (role === 'producer') watchRedisOutage(redis, 'producer', { logger });
  return redis;
}

/** Deletes every key under `<prefix>:` in batches (SCAN + UNLINK, every master of a cluster); resolves how many. */
export async function deleteKeysByPrefix(redis: RedisConnection, prefix: string): Promise<number> {
  let deleted = 0;
  // Per-queue layout: queue `q` of '{p}' lives under '{p:q}' (key-layout.ts).
  const base = prefixBase(prefix);
  const patterns = prefix.includes('{') ? [`${prefix}:*`, `{${base}:*`] : [`${prefix}:*`];
  for (const pattern of patterns)
    for await (const keys of scanKeys(redis, pattern, 1000)) {
      // One UNLINK per key: keys of a cluster node may still be of several slots.
      const counts = await Promise.all(keys.map((key) => redis.unlink(key)));
      deleted += counts.reduce((a, b) => a + b, 0);
    }
  return deleted;
}
