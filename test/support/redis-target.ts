/**
 * Which Redis a spec talks to: one Redis, a Sentinel group or a Redis Cluster, always through
 * the project's connection factory (config/redis.ts createRedis), with the env its bin/ processes
 * get so they reach the same one.
 *
 * - envTarget(): the test process's own settings (REDIS_URL, or REDIS_SENTINELS +
 *   REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES), so a whole run can point at any topology; by
 *   default the shared single Redis. Every useRedisPrefix() without a target uses it.
 * - describeEachTopology(name, fn): the same describe block once on envTarget() ("single"), once
 *   on a Sentinel group and once on a 3-master Cluster of its own (test/support/redis-topologies.ts).
 *   Each group is started while the file is collected (so describe bodies can open connections at
 *   once, as every spec does) and stopped by pid in that block's afterAll, which runs after every
 *   other afterAll of the block (hooks run as a stack). Their pids are noted under
 *   tmp/redis-topologies/, and reapTopologies() (test/support/topology-reaper.ts, from the global setup before and after a run) kills those
 *   of a test process that is gone: a block skipped by -t, or a file vitest ended, runs no afterAll.
 *
 * Steps of a topology's block: start the servers -> target with its env and key layout (per-queue
 * on a cluster) -> fn(target) registers the block's tests -> afterAll stops the servers.
 *
 * Example:
 *   describeEachTopology('kill -9', (target) => {
 *     const scope = useWorkerScope('kill-9', target);
 *     const env = processEnv(scope);   // carries target.env to bin/worker
 *   });
 */
import { rmSync } from 'node:fs';
import { afterAll, describe } from 'vitest';
import type { KeyLayout, RedisConnection } from '../../app/framework/index';
import { queuePrefix } from '../../app/framework/index';
import { DEFAULT_REDIS_URL } from '../../config/defaults';
import { createRedis, type RedisRole } from '../../config/redis';
import { redisTopology, type RedisTopology } from '../../config/redis-topology';
import { startCluster, startSentinel, type TestTopology } from './redis-topologies';
import { record } from './topology-reaper';

export type TopologyKind = RedisTopology['kind'];

export const TOPOLOGY_KINDS: readonly TopologyKind[] = ['single', 'sentinel', 'cluster'];

/** The Redis settings variables; a target names all of them ('' unsets one a child would inherit). */
const REDIS_VARIABLES = [
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_CLUSTER_NODES',
  'REDIS_KEY_LAYOUT',
] as const;

type RedisVariables = Record<(typeof REDIS_VARIABLES)[number], string>;

export interface RedisTarget {
  kind: TopologyKind;
  /** Where queue keys go (key-layout.ts): per-queue on a cluster, single otherwise. */
  layout: KeyLayout;
  /** The Redis variables for a bin/ process (config/env.ts reads '' as unset). */
  env: RedisVariables;
  /** A connection from config/redis.ts's factory; the caller closes it. */
  connect(role?: RedisRole): RedisConnection;
  /** The BullMQ prefix of `queue` under this target's layout. */
  queuePrefix(prefix: string, queue: string): string;
}

function targetOf(variables: RedisVariables): RedisTarget {
  // Test prefixes are hash tags ({bl-...}: test/support/redis.ts), which a cluster requires.
  const topology = redisTopology({
    ...variables,
    QUEUE_PREFIX: '{bl-test}',
    REDIS_SENTINELS: variables.REDIS_SENTINELS || undefined,
    REDIS_SENTINEL_NAME: variables.REDIS_SENTINEL_NAME || undefined,
    REDIS_CLUSTER_NODES: variables.REDIS_CLUSTER_NODES || undefined,
    REDIS_KEY_LAYOUT: (variables.REDIS_KEY_LAYOUT || undefined) as KeyLayout | undefined,
  });
  return {
    kind: topology.kind,
    layout: topology.layout,
    env: variables,
    connect: (role = 'producer') => createRedis(topology, role),
    queuePrefix: (prefix, queue) => queuePrefix(prefix, queue, topology.layout),
  };
}

/** The topology the test process's env names (by default the shared Redis of REDIS_URL). */
export function envTarget(source: NodeJS.ProcessEnv = process.env): RedisTarget {
  const variables = Object.fromEntries(
    REDIS_VARIABLES.map((name) => [name, source[name] ?? '']),
  ) as RedisVariables;
  variables.REDIS_URL ||= DEFAULT_REDIS_URL;
  return targetOf(variables);
}

/** A Sentinel group or a Cluster of the test's own, and its target. */
export async function startTarget(
  kind: Exclude<TopologyKind, 'single'>,
): Promise<{ target: RedisTarget; servers: TestTopology }> {
  const blank: RedisVariables = {
    REDIS_URL: process.env.REDIS_URL || DEFAULT_REDIS_URL, // credentials and TLS only: its host is unused
    REDIS_SENTINELS: '',
    REDIS_SENTINEL_NAME: '',
    REDIS_CLUSTER_NODES: '',
    REDIS_KEY_LAYOUT: '',
  };
  if (kind === 'cluster') {
    const servers = await startCluster(3);
    return { servers, target: targetOf({ ...blank, REDIS_CLUSTER_NODES: servers.seeds }) };
  }
  const servers = await startSentinel();
  return {
    servers,
    target: targetOf({ ...blank, REDIS_SENTINELS: servers.seeds, REDIS_SENTINEL_NAME: servers.name }),
  };
}

/** `fn`'s describe block once per topology; the test names end with [single], [sentinel], [cluster]. */
export function describeEachTopology(
  name: string,
  fn: (target: RedisTarget) => void,
  kinds: readonly TopologyKind[] = TOPOLOGY_KINDS,
): void {
  for (const kind of kinds)
    describe(`${name} [${kind}]`, async () => {
      if (kind === 'single') {
        fn(envTarget());
        return;
      }
      const { target, servers } = await startTarget(kind);
      const noted = record(servers);
      afterAll(async () => {
        await servers.stop();
        rmSync(noted, { force: true });
      });
      fn(target);
    });
}
