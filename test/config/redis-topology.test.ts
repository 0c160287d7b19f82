/**
 * The Redis topology from the environment: one Redis, Sentinel or Cluster, the key layout, and a
 * one-line ConfigError for each bad combination (parseEnv, as every bin/ entry point boots).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../config/env';
import { redisDb, redisTopology } from '../../config/redis-topology';

const bad = (source: Record<string, string | undefined>): string => {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
};

describe('redisTopology', () => {
  it('is one Redis with the single layout by default', () => {
    expect(redisTopology(parseEnv({}))).toEqual({
      kind: 'single',
      url: 'redis://127.0.0.1:6379',
      layout: 'single',
    });
  });

  it('reads cluster seeds, TLS and the password from REDIS_URL, per-queue layout by default', () => {
    const t = redisTopology(
      parseEnv({
        REDIS_URL: 'rediss://app:s%40cret@ignored:1',
        REDIS_CLUSTER_NODES: '10.0.0.1:7000, [::1]:7001',
      }),
    );
    expect(t).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
      ],
      options: { tls: {}, username: 'app', password: 's@cret' },
      layout: 'per-queue',
    });
  });

  it('reads a sentinel group, REDIS_PASSWORD over the URL, the layout as told', () => {
    const t = redisTopology(
      parseEnv({
        REDIS_URL: 'redis://:old@x/2',
        REDIS_PASSWORD: 'new',
        REDIS_SENTINELS: 'a:26379,b:26379',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_SENTINEL_PASSWORD: 'sp',
        REDIS_KEY_LAYOUT: 'per-queue',
      }),
    );
    expect(t).toMatchObject({
      kind: 'sentinel',
      name: 'mymaster',
      sentinelPassword: 'sp',
      options: { password: 'new', db: 2 },
      layout: 'per-queue',
    });
  });

  it('refuses bad combinations in one line naming the variable', () => {
    expect(bad({ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' })).toMatch(
      /REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set/,
    );
    expect(bad({ REDIS_SENTINELS: 'a:1' })).toMatch(/without REDIS_SENTINEL_NAME/);
    expect(bad({ REDIS_CLUSTER_NODES: 'a:1,b' })).toMatch(/REDIS_CLUSTER_NODES: "b" is not host:port/);
    expect(bad({ REDIS_CLUSTER_NODES: 'a:99999' })).toMatch(/is not host:port/);
    expect(bad({ REDIS_CLUSTER_NODES: 'a:1', REDIS_URL: 'redis://x/3' })).toMatch(/only db 0/);
    expect(bad({ REDIS_CLUSTER_NODES: 'a:1', QUEUE_PREFIX: 'backlot' })).toMatch(
      /QUEUE_PREFIX="backlot" has no hash tag/,
    );
    expect(bad({ REDIS_KEY_LAYOUT: 'sharded' })).toMatch(/^Invalid environment variable REDIS_KEY_LAYOUT/);
    for (const source of [{ REDIS_SENTINELS: 'a:1' }, { REDIS_CLUSTER_NODES: 'x' }])
      expect(bad(source)).not.toContain('\n');
  });

  it('refuses a REDIS_URL path that is no db number, on every topology (ioredis would SELECT NaN)', () => {
    const message =
      'Invalid Redis settings: REDIS_URL selects db "abc": the path after host:port must be a database number, e.g. redis://127.0.0.1:6379/0';
    expect(bad({ REDIS_URL: 'redis://127.0.0.1:6379/abc' })).toBe(message);
    expect(bad({ REDIS_URL: 'redis://x/abc', REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm' })).toBe(
      message,
    );
    expect(bad({ REDIS_URL: 'redis://127.0.0.1:6379/1/2' })).toMatch(/selects db "1\/2"/);
  });

  it('reads the db REDIS_URL selects, none for an empty path', () => {
    expect(redisDb('redis://127.0.0.1:6379/7')).toBe(7);
    expect(redisDb('redis://127.0.0.1:6379/')).toBeUndefined();
    expect(redisDb('redis://127.0.0.1:6379')).toBeUndefined();
  });
});
