/**
 * Redis connections (ioredis). Producers fail a command after a few retries instead of hanging
 * while Redis is away; workers use maxRetriesPerRequest: null as BullMQ requires for blocking
 * reads, and reconnect forever with a capped backoff.
 *
 * Logging: a producer connection writes one line when it loses Redis and one when it is back, with
 * the outage's length (the framework's RedisOutage), not a line per reconnect attempt. A worker
 * connection is named and watched by the worker process that uses it (worker, heartbeat, cancel
 * subscriber: see app/framework/runtime/worker-process.ts).
 *
 * Example: const redis = createRedis(env().REDIS_URL, 'worker')
 */
import { Redis } from 'ioredis';
import { watchRedisOutage } from '../app/framework/index';
import { logger } from './logger';

export type RedisRole = 'producer' | 'worker';

export function createRedis(url: string, role: RedisRole = 'producer'): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
  });
  if (role === 'producer') watchRedisOutage(redis, 'producer', { logger });
  return redis;
}

/** Deletes every key under `<prefix>:` in batches (SCAN + UNLINK); resolves how many. */
export async function deleteKeysByPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
