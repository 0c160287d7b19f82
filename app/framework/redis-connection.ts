/**
 * The one Redis connection type the framework takes: a single ioredis client (standalone or
 * Sentinel-managed) or an ioredis Cluster. Commands on one key (or keys of one hash slot) work
 * the same on both; what a cluster answers differently lives here.
 *
 * - scanKeys: SCAN walks one node, so on a cluster it walks every master (cluster.nodes('master')).
 * - isClusterConnection: for the few callers that must choose (e.g. per-node FLUSHDB in tests).
 *
 * Example: for await (const keys of scanKeys(redis, '{backlot}:workers:*')) console.log(keys)
 */
import { Cluster, type Redis } from 'ioredis';

export type RedisConnection = Redis | Cluster;

export function isClusterConnection(redis: RedisConnection): redis is Cluster {
  return redis instanceof Cluster;
}

/** The standalone nodes a SCAN/KEYS/FLUSH must visit: every master of a cluster, else the client itself. */
export function scanNodes(redis: RedisConnection): Redis[] {
  return isClusterConnection(redis) ? redis.nodes('master') : [redis];
}

/** Batches of keys matching `pattern`, node by node (SCAN MATCH ... COUNT `count`). */
export async function* scanKeys(
  redis: RedisConnection,
  pattern: string,
  count = 500,
): AsyncGenerator<string[]> {
  for (const node of scanNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}
