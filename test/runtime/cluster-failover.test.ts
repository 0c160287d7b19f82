/**
 * A master killed (kill -9) under a running bin/worker on a Redis Cluster (3 masters, 1 replica
 * each, cluster-node-timeout 1 s): the replica takes over the default queue's slot, the worker
 * carries on without a restart, and every job enqueued after the failover runs (issue #15: before,
 * the worker's blocking fetch could wait forever on a Cluster whose connect() never settled; see
 * config/redis.ts).
 *
 * Steps: the body is failover-support.ts's; here, which master to kill: CLUSTER KEYSLOT of the
 * default queue's wait key, then the master CLUSTER SLOTS gives for that slot, and its replica;
 * failed over once that replica is master and says cluster_state:ok.
 */
import { queuePrefix } from '../../app/framework/index';
import { startCluster, type TestCluster } from '../support/redis-topologies';
import { ask, describeFailover, isMaster, type Setup } from './failover-support';

type SlotRange = [number, number, [string, number, ...unknown[]], ...[string, number, ...unknown[]][]];

async function clusterSetup(prefix: string): Promise<Setup> {
  const topology = await startCluster(3, 1, { nodeTimeoutMs: 1000 });
  try {
    return await clusterCase(prefix, topology);
  } catch (error) {
    await topology.stop(); // afterAll never sees a topology whose setup failed
    throw error;
  }
}

async function clusterCase(prefix: string, topology: TestCluster): Promise<Setup> {
  const env = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    REDIS_CLUSTER_NODES: topology.seeds,
  };
  const first = topology.nodes[0]?.port ?? 0;
  const key = `${queuePrefix(prefix, 'default', 'per-queue')}:default:wait`;
  const slot = await ask(first, (c) => c.call('CLUSTER', 'KEYSLOT', key) as Promise<number>);
  const ranges = await ask(first, (c) => c.call('CLUSTER', 'SLOTS') as Promise<SlotRange[]>);
  const range = ranges.find(([from, to]) => from <= slot && slot <= to);
  const masterPort = range?.[2][1];
  const replicaPort = range?.[3]?.[1];
  const master = topology.nodes.find((n) => n.port === masterPort);
  if (!master || replicaPort === undefined) throw new Error(`no master with a replica for slot ${slot}`);
  return {
    topology,
    env,
    masterPid: master.pid,
    failedOver: async () =>
      (await isMaster(replicaPort)) &&
      (await ask(replicaPort, async (c) => (await c.cluster('INFO')).includes('cluster_state:ok'))),
  };
}

describeFailover('Redis Cluster (3 masters, 1 replica each)', clusterSetup);
