/**
 * Redis connections (ioredis). Producers fail a command after a few retries instead of hanging
 * while Redis is away; workers use maxRetriesPerRequest: null as BullMQ requires for blocking
 * reads, and reconnect forever with a capped backoff.
 *
 * Example: const redis = createRedis(env().REDIS_URL, 'worker')
 */
import { Redis } from 'ioredis';

export type RedisRole = 'producer' | 'worker';

export function createRedis(url: string, role: RedisRole = 'producer'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
  });
}
