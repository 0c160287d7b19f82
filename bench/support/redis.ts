/**
 * Redis for benchmarks: the URL, a fresh key prefix per measured side, connections and cleanup.
 * (test/support/redis.ts does the same for vitest; both delete keys with config/redis.ts.)
 * Connections come from the project's one factory (config/redis.ts createRedis), so a benchmark
 * runs on one Redis (a URL) or on any topology config/redis-topology.ts describes (a cluster).
 *
 * Example: const prefix = benchPrefix('raw'); const admin = connect(ctx.redisUrl); ...; await deletePrefix(admin, prefix)
 *          const cluster = connect({ kind: 'cluster', nodes, options: {}, layout: 'per-queue' })
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL } from '../../config/defaults';
import type { RedisConnection } from '../../app/framework/index';
import { createRedis, deleteKeysByPrefix } from '../../config/redis';
import type { RedisTopology } from '../../config/redis-topology';

export function benchRedisUrl(): string {
  return process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
}

export function benchPrefix(label: string): string {
  return `{bench-${label}-${randomBytes(4).toString('hex')}}`;
}

/**
 * A connection usable by BullMQ workers and producers alike: createRedis's 'worker' role
 * (maxRetriesPerRequest: null, as BullMQ's blocking reads need), to a URL or a topology.
 */
export function connect(source: string | RedisTopology = benchRedisUrl()): RedisConnection {
  return createRedis(source, 'worker');
}

export const deletePrefix = deleteKeysByPrefix;

export async function redisVersion(url = benchRedisUrl()): Promise<string> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    redis.disconnect();
  }
}
