/**
 * Per-test Redis isolation: every test file gets its own BullMQ key prefix (a hash tag, so it
 * works on a cluster too) on the Redis of its target (test/support/redis-target.ts: by default the
 * one the env names, the shared single Redis), and removes its keys afterwards. Connections come
 * from config/redis.ts's factory, as in production.
 *
 * Example:
 *   const r = useRedisPrefix();           // in a describe block: cleans up in afterAll
 *   new BullmqAdapter({ connection: r.connection(), prefix: r.prefix, layout: r.layout })
 */
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import type { KeyLayout, RedisConnection } from '../../app/framework/index';
import { deleteKeysByPrefix } from '../../config/redis';
import { envTarget, type RedisTarget } from './redis-target';

/** The URL of the shared single Redis (REDIS_URL), for specs that need one server's URL. */
export function testRedisUrl(): string {
  return envTarget().env.REDIS_URL;
}

export function uniquePrefix(label = 'test'): string {
  return `{bl-${label}-${randomBytes(4).toString('hex')}}`;
}

/** Deletes every key under a prefix. */
export const deletePrefix = deleteKeysByPrefix;

export interface RedisScope {
  prefix: string;
  /** The Redis this scope's keys live on, and the env its bin/ processes need. */
  target: RedisTarget;
  /** The target's REDIS_URL (on a Sentinel group or a cluster only its credentials count). */
  url: string;
  layout: KeyLayout;
  /** The BullMQ prefix of `queue` (its hash tag under the per-queue layout). */
  queuePrefix(queue: string): string;
  /** A new connection, closed in afterAll; `worker` for blocking reads (maxRetriesPerRequest null). */
  connection(options?: { worker?: boolean }): RedisConnection;
}

export function useRedisPrefix(label?: string, target: RedisTarget = envTarget()): RedisScope {
  const prefix = uniquePrefix(label);
  const opened: RedisConnection[] = [];
  afterAll(async () => {
    const admin = target.connect();
    await deletePrefix(admin, prefix);
    await admin.quit();
    await Promise.all(opened.map((c) => c.quit().catch(() => c.disconnect())));
  });
  return {
    prefix,
    target,
    url: target.env.REDIS_URL,
    layout: target.layout,
    queuePrefix: (queue) => target.queuePrefix(prefix, queue),
    connection(options = {}) {
      // A topology's servers stop at the end of its block: a reconnect error then is expected.
      const c = target.connect(options.worker ? 'worker' : 'producer').on('error', () => undefined);
      opened.push(c);
      return c;
    },
  };
}
