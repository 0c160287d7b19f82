/**
 * A Redis Cluster or a Sentinel group of a test's own: support/redis-servers.ts (shared with the
 * benchmarks), re-exported here for the specs.
 *
 * Example:
 *   const cluster = await startCluster(3); process.env.REDIS_CLUSTER_NODES = cluster.seeds; ...; await cluster.stop()
 */
export {
  startCluster,
  startRedisServer,
  startSentinel,
  type ClusterOptions,
  type RedisNode,
  type TestCluster,
  type TestSentinel,
  type TestTopology,
} from '../../support/redis-servers';
