/**
 * A master killed (kill -9) under a running bin/worker on a Sentinel group (master, replica, 3
 * sentinels, down after 2 s): the replica takes over, the worker carries on without a restart, and
 * every job enqueued after the failover runs.
 *
 * Steps: the body is failover-support.ts's; here, the master to kill and when it has failed over:
 * every sentinel names the replica as master, and the replica says role:master.
 */
import { startSentinel } from '../support/redis-topologies';
import { ask, describeFailover, isMaster, type Setup } from './failover-support';

async function sentinelSetup(prefix: string): Promise<Setup> {
  const topology = await startSentinel();
  const env = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    REDIS_SENTINELS: topology.seeds,
    REDIS_SENTINEL_NAME: topology.name,
  };
  const master = topology.nodes.find((n) => n.port === topology.masterPort);
  if (!master) {
    await topology.stop();
    throw new Error('the sentinel support started no master');
  }
  const sentinels = topology.seeds.split(',').map((s) => Number(s.split(':')[1]));
  return {
    topology,
    env,
    masterPid: master.pid,
    failedOver: async () => {
      const addresses = await Promise.all(
        sentinels.map((port) =>
          ask(port, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', topology.name) as Promise<string[]>),
        ),
      );
      return (
        addresses.every((a) => Number(a[1]) === topology.replicaPort) &&
        (await isMaster(topology.replicaPort))
      );
    },
  };
}

describeFailover('Sentinel group (master, replica, 3 sentinels)', sentinelSetup);
