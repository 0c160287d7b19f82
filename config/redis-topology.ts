/**
 * Which Redis the deployment uses, from the environment: one Redis (REDIS_URL), a Sentinel group
 * (REDIS_SENTINELS + REDIS_SENTINEL_NAME) or a Redis Cluster (REDIS_CLUSTER_NODES), and where
 * queue keys go (REDIS_KEY_LAYOUT). Checked once at boot (config/env.ts): a bad combination is one
 * RedisTopologyError line naming the variable.
 *
 * Steps: parse host:port lists; take TLS (rediss://), username, password and db from REDIS_URL
 * (its host is then unused), REDIS_PASSWORD over the URL's; pick the layout (per-queue on a
 * cluster, single otherwise, unless REDIS_KEY_LAYOUT says); on a cluster the prefix must be a
 * hash tag, so keys that are not a queue's (heartbeats, clock, event stream) share one slot.
 *
 * Example: redisTopology({ REDIS_URL: 'redis://:pw@x', REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000', QUEUE_PREFIX: '{backlot}' })
 */
import type { RedisOptions } from 'ioredis';
import type { KeyLayout } from '../app/framework/index';

export class RedisTopologyError extends Error {
  override name = 'RedisTopologyError';
}

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTopology =
  | { kind: 'single'; url: string; layout: KeyLayout }
  | {
      kind: 'sentinel';
      sentinels: HostPort[];
      name: string;
      sentinelPassword?: string;
      options: RedisOptions;
      layout: KeyLayout;
    }
  | { kind: 'cluster'; nodes: HostPort[]; options: RedisOptions; layout: KeyLayout };

export interface RedisEnv {
  REDIS_URL: string;
  QUEUE_PREFIX: string;
  REDIS_SENTINELS?: string | undefined;
  REDIS_SENTINEL_NAME?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_CLUSTER_NODES?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  REDIS_KEY_LAYOUT?: KeyLayout | undefined;
}

/** 'a:1,[::1]:2' -> [{ host: 'a', port: 1 }, { host: '::1', port: 2 }]; `variable` names errors. */
export function parseHostPorts(value: string, variable: string): HostPort[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new RedisTopologyError(`${variable} is empty: expected host:port,host:port`);
  return items.map((item) => {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(item);
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65535)
      throw new RedisTopologyError(`${variable}: ${JSON.stringify(item)} is not host:port (port 1-65535)`);
    return { host: match[1] ?? match[2] ?? '', port };
  });
}

/** TLS, credentials and db from REDIS_URL, REDIS_PASSWORD winning. */
function urlOptions(e: RedisEnv): RedisOptions {
  const url = new URL(e.REDIS_URL);
  const options: RedisOptions = {};
  if (url.protocol === 'rediss:') options.tls = {};
  if (url.username) options.username = decodeURIComponent(url.username);
  const password = e.REDIS_PASSWORD ?? (url.password ? decodeURIComponent(url.password) : undefined);
  if (password) options.password = password;
  const db = redisDb(e.REDIS_URL);
  if (db !== undefined) options.db = db;
  return options;
}

/** The db REDIS_URL selects (redis://host:6379/2 -> 2), undefined for none; anything else is refused. */
export function redisDb(redisUrl: string): number | undefined {
  const path = new URL(redisUrl).pathname;
  if (path === '' || path === '/') return undefined;
  const match = /^\/(\d{1,9})$/.exec(path);
  if (!match)
    throw new RedisTopologyError(
      `REDIS_URL selects db ${JSON.stringify(path.slice(1))}: the path after host:port must be a database number, e.g. redis://127.0.0.1:6379/0`,
    );
  return Number(match[1]);
}

export function redisTopology(e: RedisEnv): RedisTopology {
  if (e.REDIS_SENTINELS && e.REDIS_CLUSTER_NODES)
    throw new RedisTopologyError(
      'REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set: name one topology (Sentinel or Cluster)',
    );
  if (e.REDIS_CLUSTER_NODES) {
    const nodes = parseHostPorts(e.REDIS_CLUSTER_NODES, 'REDIS_CLUSTER_NODES');
    const options = urlOptions(e);
    if (options.db)
      throw new RedisTopologyError(
        `REDIS_URL selects db ${options.db}: a Redis Cluster has only db 0 (drop the /${options.db})`,
      );
    delete options.db;
    const layout = e.REDIS_KEY_LAYOUT ?? 'per-queue';
    if (!/\{[^}]+\}/.test(e.QUEUE_PREFIX))
      throw new RedisTopologyError(
        `QUEUE_PREFIX=${JSON.stringify(e.QUEUE_PREFIX)} has no hash tag: on a Redis Cluster use braces, e.g. {backlot}`,
      );
    return { kind: 'cluster', nodes, options, layout };
  }
  if (e.REDIS_SENTINELS || e.REDIS_SENTINEL_NAME) {
    if (!e.REDIS_SENTINELS)
      throw new RedisTopologyError('REDIS_SENTINEL_NAME is set without REDIS_SENTINELS=host:port,...');
    if (!e.REDIS_SENTINEL_NAME)
      throw new RedisTopologyError(
        'REDIS_SENTINELS is set without REDIS_SENTINEL_NAME (the master name the sentinels monitor)',
      );
    return {
      kind: 'sentinel',
      sentinels: parseHostPorts(e.REDIS_SENTINELS, 'REDIS_SENTINELS'),
      name: e.REDIS_SENTINEL_NAME,
      ...(e.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: e.REDIS_SENTINEL_PASSWORD } : {}),
      options: urlOptions(e),
      layout: e.REDIS_KEY_LAYOUT ?? 'single',
    };
  }
  redisDb(e.REDIS_URL); // a db path that is no number fails here, at start, not at the first connection
  return { kind: 'single', url: e.REDIS_URL, layout: e.REDIS_KEY_LAYOUT ?? 'single' };
}
