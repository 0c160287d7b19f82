/**
 * Per-test Redis isolation: every test file gets its own BullMQ key prefix on the real Redis,
 * and removes its keys afterwards.
 *
 * Example:
 *   const r = useRedisPrefix();           // in a describe block: cleans up in afterAll
 *   new BullmqAdapter({ connection: r.connection(), prefix: r.prefix })
 */
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL } from '../../config/defaults';
import { deleteKeysByPrefix } from '../../config/redis';

export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
}

export function uniquePrefix(label = 'test'): string {
  return `{bl-${label}-${randomBytes(4).toString('hex')}}`;
}

/** Deletes every key under a prefix. */
export const deletePrefix = deleteKeysByPrefix;

export interface RedisScope {
  prefix: string;
  url: string;
  /** A new connection, closed in afterAll. */
  connection(options?: { worker?: boolean }): Redis;
}

export function useRedisPrefix(label?: string): RedisScope {
  const prefix = uniquePrefix(label);
  const url = testRedisUrl();
  const opened: Redis[] = [];
  afterAll(async () => {
    const admin = new Redis(url);
    await deletePrefix(admin, prefix);
    await admin.quit();
    await Promise.all(opened.map((c) => c.quit().catch(() => c.disconnect())));
  });
  return {
    prefix,
    url,
    connection(options = {}) {
      const c = new Redis(url, { maxRetriesPerRequest: options.worker ? null : 3 });
      opened.push(c);
      return c;
    },
  };
}
