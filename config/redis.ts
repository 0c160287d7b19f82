/**
 * Redis connections (ioredis). Producers fail a command after a few retries instead of hanging
 * while Redis is away; workers use maxRetriesPerRequest: null as BullMQ requires for blocking
 * reads, and reconnect forever with a capped backoff.
 *
 * Example: const redis = createRedis(env().REDIS_URL, 'worker')
 */
import { Redis } from 'ioredis';
import { logger } from './logger';

export type RedisRole = 'producer' | 'worker';

export function createRedis(url: string, role: RedisRole = 'producer'): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
  });
  // While Redis is away ioredis reconnects by itself; log each failure once per outage instead of
  // ioredis' unstructured "Unhandled error event" on stderr.
  let reported = false;
  redis.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger().warn(
      { err: error, connection: role },
      `Redis connection error (${error.message}); reconnecting`,
    );
  });
  redis.on('ready', () => {
    reported = false;
  });
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
