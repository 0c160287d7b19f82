/**
 * Redis for benchmarks: the URL, a fresh key prefix per measured side, and cleanup.
 * (test/support/redis.ts does the same for vitest; both delete keys with config/redis.ts.)
 *
 * Example: const prefix = benchPrefix('raw'); ...; await deletePrefix(admin, prefix)
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL } from '../../config/defaults';
import { deleteKeysByPrefix } from '../../config/redis';

export function benchRedisUrl(): string {
  return process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
}

export function benchPrefix(label: string): string {
  return `{bench-${label}-${randomBytes(4).toString('hex')}}`;
}

/** A connection usable by BullMQ workers (maxRetriesPerRequest: null) and producers alike. */
export function connect(url = benchRedisUrl()): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
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
