/**
 * The framework on a Redis Cluster (3 masters, per-queue hash tags) and on a Sentinel group (one
 * master, one replica, three sentinels), each started by the test from the machine's
 * redis-server: every connection comes from config/redis.ts's factory.
 *
 * - jobs of both queues are enqueued and performed by an in-process worker; on the cluster three
 *   queues' keys sit on three different slots;
 * - the worker's heartbeat is found by SCAN on every master;
 * - a flow spanning queues is refused with CrossSlotError under the per-queue layout, never a
 *   CROSSSLOT reply; a flow within one queue runs;
 * - `bin/jobs enqueue PingJob '"x"'` works against the cluster (issue #15's first report).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BullmqAdapter,
  CrossSlotError,
  Job,
  configureBacklot,
  listWorkers,
  queuePrefix,
  registerJobs,
  startHeartbeat,
  startWorker,
  type RedisConnection,
  type RunningWorker,
} from '../../app/framework/index';
import { QUEUE_NAMES } from '../../config/queues';
import { createRedis } from '../../config/redis';
import { redisTopology, type RedisEnv } from '../../config/redis-topology';
import { runBin } from '../support/processes';
import { uniquePrefix } from '../support/redis';
import { startCluster, startSentinel, type TestTopology } from '../support/redis-topologies';
import { waitUntil } from './support';

const performed: string[] = [];

class TopologyJob extends Job {
  static override jobName = 'Fixture.TopologyJob';
  perform(marker: string): string {
    performed.push(marker);
    return marker;
  }
}

const QUEUES = ['default', 'bulk_update'] as const;

interface Case {
  name: string;
  start(): Promise<TestTopology & { name?: string }>;
  env(t: TestTopology & { name?: string }, prefix: string): RedisEnv & Record<string, string>;
}

const cases: Case[] = [
  {
    name: 'cluster (3 masters, per-queue layout)',
    start: () => startCluster(3),
    env: (t, prefix) => ({
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: prefix,
      REDIS_CLUSTER_NODES: t.seeds,
    }),
  },
  {
    name: 'sentinel (1 master, 1 replica, 3 sentinels)',
    start: () => startSentinel(),
    env: (t, prefix) => ({
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: prefix,
      REDIS_SENTINELS: t.seeds,
      REDIS_SENTINEL_NAME: t.name ?? 'mymaster',
    }),
  },
];

describe.each(cases)('the framework on a $name', (c) => {
  let topology: TestTopology;
  let e: RedisEnv & Record<string, string>;
  let producer: RedisConnection;
  let adapter: BullmqAdapter;
  let worker: RunningWorker;
  const prefix = uniquePrefix('topo');

  beforeAll(async () => {
    topology = await c.start();
    e = c.env(topology, prefix);
    const layout = redisTopology(e).layout;
    producer = createRedis(e);
    adapter = new BullmqAdapter({ connection: producer, prefix, layout });
    configureBacklot({ adapter, queues: QUEUE_NAMES });
    registerJobs([TopologyJob]);
    worker = startWorker({
      queues: QUEUES,
      concurrency: 2,
      connection: createRedis(e, 'worker'),
      prefix,
      layout,
    });
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
    await adapter?.close();
    await producer?.quit().catch(() => undefined);
    await topology?.stop();
  });

  it('enqueues and performs jobs of both queues', async () => {
    const markers: string[] = QUEUES.map((queue) => `${c.name}:${queue}`);
    await Promise.all(QUEUES.map((queue, i) => TopologyJob.set({ queue }).performLater(markers[i] ?? queue)));
    await waitUntil('every job performed', () => markers.every((m) => performed.includes(m)), {
      timeoutMs: 30_000,
    });
    const counts = await Promise.all(QUEUES.map((q) => adapter.queue(q).getJobCounts('completed')));
    expect(counts.map((x) => x.completed)).toEqual([1, 1]);
  });

  it('finds the worker heartbeat by SCAN on every master', async () => {
    const beat = startHeartbeat(producer, prefix, () => ({ pools: ['topology:1'], running: [] }));
    try {
      await waitUntil('the heartbeat is listed', async () =>
        (await listWorkers(producer, prefix)).some((w) => w.pools.includes('topology:1')),
      );
    } finally {
      await beat.stop();
    }
  });

  it('refuses a flow across queues under the per-queue layout, runs one within a queue', async () => {
    const parent = TopologyJob.build(`${c.name}:parent`);
    const sameQueue = TopologyJob.build(`${c.name}:child`);
    await parent.enqueueAfter([sameQueue]);
    await waitUntil('the flow ran', () => performed.includes(`${c.name}:parent`), { timeoutMs: 30_000 });

    const crossing = TopologyJob.build(`${c.name}:other`);
    crossing.queueName = 'bulk_update';
    const parent2 = TopologyJob.build(`${c.name}:parent2`);
    if (adapter.layout === 'per-queue') {
      await expect(parent2.enqueueAfter([crossing])).rejects.toThrow(CrossSlotError);
      await expect(parent2.enqueueAfter([crossing])).rejects.toThrow(
        /spans queues default, bulk_update: .*REDIS_KEY_LAYOUT=single/,
      );
    } else {
      await parent2.enqueueAfter([crossing]);
      await waitUntil('the cross-queue flow ran', () => performed.includes(`${c.name}:parent2`), {
        timeoutMs: 30_000,
      });
    }
  });

  it('bin/jobs enqueue PingJob works', async () => {
    const result = await runBin('jobs', ['enqueue', 'PingJob', '"x"', '--json'], {
      ...e,
      NODE_ENV: 'test',
      JOB_ADAPTER: 'bullmq',
    });
    expect(result.stderr).not.toMatch(/MOVED|CROSSSLOT|ReplyError/);
    expect(result.code).toBe(0);
    const { id } = JSON.parse(result.stdout) as { id: string };
    expect(await adapter.queue('default').getJob(id)).toBeDefined();
  });
});

describe('per-queue hash tags on the cluster', () => {
  it('put three queues on three different slots', async () => {
    const cluster = await startCluster(3);
    const client = createRedis(`redis://${cluster.seeds.split(',')[0]}`);
    try {
      const slots = await Promise.all(
        ['default', 'bulk_update', 'mailers'].map((q) =>
          client.call('CLUSTER', 'KEYSLOT', `${queuePrefix('{backlot}', q, 'per-queue')}:${q}:wait`),
        ),
      );
      expect(new Set(slots).size).toBe(3);
    } finally {
      client.disconnect();
      await cluster.stop();
    }
  }, 90_000);
});
