/**
 * cluster: the throughput workload (no-op NoopJobs through startWorker) over three equally loaded
 * queues, on a 3-master Redis Cluster against one Redis, side by side in one run, both with the
 * per-queue key layout (REDIS_KEY_LAYOUT=per-queue, a hash tag per queue: the cluster's default).
 *
 * 1. Starts its own servers from the machine's redis-server on free loopback ports
 *    (support/redis-servers.ts): one plain redis-server and a 3-master cluster, so both sides run
 *    on alike, otherwise idle servers; both are stopped at the end, on error and on SIGINT/SIGTERM.
 * 2. Checks where the three queues' hash tags land (CLUSTER KEYSLOT, CLUSTER SLOTS): the queue
 *    names are picked so that under QUEUE_PREFIX {backlot} they land on three different masters.
 *    Before the rounds, each side's idle servers' own CPU is read (--idle-ms), to tell it from work.
 * 3. Per side and round: connections from config/redis.ts createRedis on the topology
 *    config/redis-topology.ts reads from REDIS_URL / REDIS_CLUSTER_NODES; --jobs/3 jobs into each
 *    queue (not timed); CONFIG RESETSTAT on every node; one startWorker over the three queues;
 *    when every job finished, each node's INFO commandstats (usec summed over every command) and
 *    INFO cpu; then FLUSHALL on every node (the servers are the benchmark's own).
 *    Sides alternate single, cluster then cluster, single; a warm-up round per side is not counted.
 * 4. Targets: with per-queue tags no shard does more than 40 % of the summed Redis CPU (the
 *    median over rounds of each round's busiest shard), and the Redis CPU per job summed over the
 *    shards is within 1.2x of one Redis's (median of the per-round ratios); the same two on the
 *    servers' process CPU (INFO cpu), which preemption on a loaded machine does not stretch. The
 *    per-command costs of both sides are in the JSON (the largest differences in the table).
 *
 * Example: npm run bench -- cluster --jobs 9000 --rounds 3
 */
import { loadavg } from 'node:os';
import {
  BullmqAdapter,
  Job,
  configureBacklot,
  queuePrefix,
  startWorker,
  type RedisConnection,
} from '../app/framework/index';
import { redisTopology, type RedisTopology } from '../config/redis-topology';
import { startCluster, startRedisServer, type TestTopology } from '../support/redis-servers';
import { defineBenchmark, sleep, type BenchContext, type BenchRow } from './support/benchmark';
import { NoopJob } from './support/jobs';
import { connect } from './support/redis';
import { readServerStats, resetServerStats, type CommandCost } from './support/redis-stats';
import { timeSide, type SideRun as BaseSideRun } from './support/side-run';
import { median, round } from './support/stats';
import { backlotLogger, inChunks } from './support/workload';

/** The production QUEUE_PREFIX: the servers are the benchmark's own, so nothing else shares it. */
const PREFIX = '{backlot}';
/**
 * Three queue names whose per-queue tags land on three different masters of a 3-master cluster
 * (redis-cli --cluster create's slot ranges 0-5460, 5461-10922, 10923-16383): {backlot:default}
 * is slot 5149, {backlot:reports} 5739, {backlot:mailers} 14071. Not every trio does: default,
 * bulk_update (2780), images (3485) and uploads (155) all hash to the first master.
 */
const QUEUES = ['default', 'reports', 'mailers'] as const;
const TARGET_MAX_SHARE = 0.4;
const TARGET_CPU_RATIO = 1.2;

type Side = 'single' | 'cluster';

interface Servers {
  side: Side;
  topology: RedisTopology;
  /** One connection per server (cluster: per master), for its counters and FLUSHALL. */
  nodes: { port: number; client: RedisConnection }[];
}

interface NodeRun {
  port: number;
  usec: number;
  cpuUs: number;
  commands: Record<string, CommandCost>;
}

/** One side of a round, with each node's counters. */
interface SideRun extends BaseSideRun<Side> {
  nodes: NodeRun[];
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const redisUsPerJob = (run: SideRun) => sum(run.nodes.map((n) => n.usec)) / run.jobs;
const processCpuPerJob = (run: SideRun) => sum(run.nodes.map((n) => n.cpuUs)) / run.jobs;
/** The busiest shard's part of a round's Redis CPU, by commandstats usec or by process CPU. */
const maxShare = (run: SideRun, pick: (n: NodeRun) => number = (n) => n.usec) => {
  const total = sum(run.nodes.map(pick));
  return Math.max(...run.nodes.map((n) => pick(n) / total));
};

function servers(side: Side, topology: RedisTopology, started: TestTopology): Servers {
  return {
    side,
    topology,
    nodes: started.nodes.map(({ port }) => ({ port, client: connect(`redis://127.0.0.1:${port}`) })),
  };
}

/** Which master each queue's hash tag lands on: queue -> { tag, slot, port }. */
async function tagPlacement(cluster: Servers) {
  const node = cluster.nodes[0]?.client as RedisConnection;
  const ranges = await node.cluster('SLOTS');
  return Promise.all(
    QUEUES.map(async (queue) => {
      const tag = queuePrefix(PREFIX, queue, cluster.topology.layout);
      const slot = await node.cluster('KEYSLOT', tag);
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      return { queue, tag, slot, port: Number(range?.[2]?.[1] ?? Number.NaN) };
    }),
  );
}

/** One side of a round: enqueue (not timed), reset the counters, process, read the counters, flush. */
async function runSide(ctx: BenchContext, target: Servers, roundNo: number, jobs: number): Promise<SideRun> {
  const { concurrency, chunk } = ctx.flags as { concurrency: number; chunk: number };
  const layout = target.topology.layout;
  const producer = connect(target.topology);
  const workerConnection = connect(target.topology);
  const adapter = new BullmqAdapter({ connection: producer, prefix: PREFIX, layout });
  configureBacklot({ adapter });
  const perQueue = Math.floor(jobs / QUEUES.length);
  const total = perQueue * QUEUES.length;
  let cpuAtReset: number[] = [];
  try {
    return await timeSide(
      ctx,
      { side: target.side, round: roundNo, jobs: total },
      {
        // Chunk by chunk, queue after queue: the three queues fill alike.
        enqueue: () =>
          inChunks(perQueue, chunk, (_, count) =>
            Promise.all(
              QUEUES.map((queue) =>
                Job.performAllLater(Array.from({ length: count }, () => NoopJob.set({ queue }).build())),
              ),
            ),
          ),
        beforeStart: async () => {
          cpuAtReset = await Promise.all(target.nodes.map((n) => resetServerStats(n.client)));
        },
        start: () =>
          startWorker({ queues: QUEUES, concurrency, connection: workerConnection, prefix: PREFIX, layout }),
        afterFinish: async () => ({
          nodes: await Promise.all(
            target.nodes.map(async (n, i) => ({
              port: n.port,
              ...(await readServerStats(n.client, cpuAtReset[i] as number)),
            })),
          ),
        }),
      },
    );
  } finally {
    await adapter.close();
    await Promise.all([producer.quit(), workerConnection.quit()]);
    await Promise.all(target.nodes.map((n) => n.client.flushall()));
  }
}

/** Calls and usec per job of each command, over the measured rounds of one side (every node). */
function commandsPerJob(
  runs: readonly SideRun[],
): Record<string, { callsPerJob: number; usecPerJob: number }> {
  const jobs = sum(runs.map((r) => r.jobs));
  const totals = new Map<string, CommandCost>();
  for (const run of runs)
    for (const node of run.nodes)
      for (const [name, cost] of Object.entries(node.commands)) {
        const t = totals.get(name) ?? { calls: 0, usec: 0 };
        totals.set(name, { calls: t.calls + cost.calls, usec: t.usec + cost.usec });
      }
  return Object.fromEntries(
    [...totals.entries()]
      .sort((a, b) => b[1].usec - a[1].usec)
      .map(([name, t]) => [
        name,
        { callsPerJob: round(t.calls / jobs, 3), usecPerJob: round(t.usec / jobs, 2) },
      ]),
  );
}

/** The servers' own CPU with no client working (serverCron, the cluster bus): µs per second, summed. */
async function idleCpu(target: Servers, ms: number): Promise<number> {
  const atReset = await Promise.all(target.nodes.map((n) => resetServerStats(n.client)));
  await sleep(ms);
  const spent = await Promise.all(
    target.nodes.map((n, i) => readServerStats(n.client, atReset[i] as number)),
  );
  return (sum(spent.map((x) => x.cpuUs)) / ms) * 1000;
}

async function measure(ctx: BenchContext, single: Servers, cluster: Servers) {
  const f = ctx.flags as { jobs: number; rounds: number; warmup: number; concurrency: number; chunk: number };
  const placement = await tagPlacement(cluster);
  const idleMs = ctx.flags['idle-ms'] as number;
  const idle = {
    single: idleMs > 0 ? await idleCpu(single, idleMs) : Number.NaN,
    cluster: idleMs > 0 ? await idleCpu(cluster, idleMs) : Number.NaN,
  };
  ctx.log(
    `idle servers: one Redis ${Math.round(idle.single)} µs CPU/s, cluster ${Math.round(idle.cluster)} µs CPU/s`,
  );
  const masters = new Set(placement.map((p) => p.port));
  for (const p of placement) ctx.log(`queue ${p.queue}: tag ${p.tag} -> slot ${p.slot} -> master :${p.port}`);

  if (f.warmup > 0) {
    ctx.log(`warm-up: ${f.warmup} jobs per side (not counted)`);
    await runSide(ctx, single, 0, f.warmup);
    await runSide(ctx, cluster, 0, f.warmup);
  }
  const runs: SideRun[] = [];
  for (let n = 1; n <= f.rounds; n += 1) {
    const order = n % 2 === 1 ? [single, cluster] : [cluster, single];
    for (const target of order) {
      const run = await runSide(ctx, target, n, f.jobs);
      runs.push(run);
      ctx.log(
        `round ${n} ${run.side.padEnd(7)}: ${Math.round(run.jobsPerSec)} jobs/s, Redis ${redisUsPerJob(run).toFixed(1)} µs/job (${run.nodes.map((x) => `:${x.port} ${(x.usec / run.jobs).toFixed(1)}`).join(', ')}), worker ${Math.round(run.cpuUsPerJob)} µs/job${run.failed ? `, ${run.failed} FAILED` : ''}`,
      );
    }
  }
  const of = (side: Side) => runs.filter((r) => r.side === side);
  const roundsOf = [...new Set(runs.map((r) => r.round))];
  const pair = (n: number) => ({
    single: runs.find((r) => r.round === n && r.side === 'single') as SideRun,
    cluster: runs.find((r) => r.round === n && r.side === 'cluster') as SideRun,
  });
  const cpuRatios = roundsOf.map((n) => redisUsPerJob(pair(n).cluster) / redisUsPerJob(pair(n).single));
  const rateRatios = roundsOf.map((n) => pair(n).cluster.jobsPerSec / pair(n).single.jobsPerSec);
  const processRatios = roundsOf.map(
    (n) => processCpuPerJob(pair(n).cluster) / processCpuPerJob(pair(n).single),
  );
  // Per shard, in master-port order: its µs per job (all jobs of the round) and share, median over rounds.
  const shardPorts = cluster.nodes.map((n) => n.port);
  const shards = shardPorts.map((port) => {
    const usPerJob = of('cluster').map((r) => (r.nodes.find((x) => x.port === port)?.usec ?? 0) / r.jobs);
    const share = of('cluster').map(
      (r) => (r.nodes.find((x) => x.port === port)?.usec ?? 0) / sum(r.nodes.map((x) => x.usec)),
    );
    return {
      port,
      queues: placement.filter((p) => p.port === port).map((p) => p.queue),
      redisUsPerJob: median(usPerJob),
      share: median(share),
      processCpuUsPerJob: median(
        of('cluster').map((r) => (r.nodes.find((x) => x.port === port)?.cpuUs ?? 0) / r.jobs),
      ),
      processShare: median(
        of('cluster').map(
          (r) => (r.nodes.find((x) => x.port === port)?.cpuUs ?? 0) / sum(r.nodes.map((x) => x.cpuUs)),
        ),
      ),
    };
  });
  const maxShares = of('cluster').map((r) => maxShare(r));
  const maxProcessShare = median(of('cluster').map((r) => maxShare(r, (n) => n.cpuUs)));
  return {
    placement,
    threeMasters: masters.size === QUEUES.length,
    runs,
    rate: {
      single: median(of('single').map((r) => r.jobsPerSec)),
      cluster: median(of('cluster').map((r) => r.jobsPerSec)),
    },
    rateRatio: median(rateRatios),
    redisUs: {
      single: median(of('single').map(redisUsPerJob)),
      cluster: median(of('cluster').map(redisUsPerJob)),
    },
    cpuRatio: median(cpuRatios),
    cpuRatios,
    processCpu: {
      single: median(of('single').map(processCpuPerJob)),
      cluster: median(of('cluster').map(processCpuPerJob)),
      ratio: median(processRatios),
    },
    processRatios,
    workerCpu: {
      single: median(of('single').map((r) => r.cpuUsPerJob)),
      cluster: median(of('cluster').map((r) => r.cpuUsPerJob)),
    },
    shards,
    maxShare: median(maxShares),
    maxProcessShare,
    worstShare: Math.max(...maxShares),
    idle,
    /** What the idle CPU amounts to per job at each side's median rate. */
    idlePerJob: {
      single: idle.single / median(of('single').map((r) => r.jobsPerSec)),
      cluster: idle.cluster / median(of('cluster').map((r) => r.jobsPerSec)),
    },
    commands: { single: commandsPerJob(of('single')), cluster: commandsPerJob(of('cluster')) },
  };
}

type Measured = Awaited<ReturnType<typeof measure>>;

const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} jobs/s`;
const us = (value: number) => `${value.toFixed(1)} µs`;
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;

/** The commands whose usec per job differ most between the sides (cluster minus single). */
function commandDifferences(m: Measured, count: number) {
  const names = new Set([...Object.keys(m.commands.single), ...Object.keys(m.commands.cluster)]);
  return [...names]
    .map((name) => {
      const s = m.commands.single[name] ?? { callsPerJob: 0, usecPerJob: 0 };
      const c = m.commands.cluster[name] ?? { callsPerJob: 0, usecPerJob: 0 };
      return { name, single: s, cluster: c, diff: c.usecPerJob - s.usecPerJob };
    })
    .sort((a, b) => Math.abs(b.diff) - Math.abs(a.diff))
    .slice(0, count);
}

function rowsOf(m: Measured, f: Record<string, number>): BenchRow[] {
  const perRound = (side: Side, pick: (r: SideRun) => number, digits = 0) =>
    m.runs
      .filter((r) => r.side === side)
      .map((r) => pick(r).toFixed(digits))
      .join(', ');
  const perQueue = Math.floor((f.jobs as number) / QUEUES.length);
  const rows: BenchRow[] = [
    {
      section: `cluster: ${perQueue * QUEUES.length} no-op jobs over 3 queues, concurrency ${f.concurrency} each, median of ${f.rounds}`,
      metric: 'queue tags on distinct masters',
      value: `${new Set(m.placement.map((p) => p.port)).size} of ${QUEUES.length}`,
      target: m.placement.map((p) => `${p.tag} slot ${p.slot} -> :${p.port}`).join('; '),
      pass: m.threeMasters,
    },
    {
      section: '',
      metric: 'one Redis',
      value: rate(m.rate.single),
      target: `rounds: ${perRound('single', (r) => r.jobsPerSec)}`,
    },
    {
      section: '',
      metric: '3-master cluster',
      value: rate(m.rate.cluster),
      target: `rounds: ${perRound('cluster', (r) => r.jobsPerSec)}`,
    },
    {
      section: '',
      metric: 'rate cluster / one Redis, median of rounds',
      value: m.rateRatio.toFixed(3),
      target: 'information (one worker process on a shared 2-core machine: it, not Redis, sets the pace)',
    },
    {
      section: 'Redis CPU per job (INFO commandstats, usec summed over every command)',
      metric: 'one Redis',
      value: us(m.redisUs.single),
      target: `rounds: ${perRound('single', redisUsPerJob, 1)}`,
    },
    ...m.shards.map((s, i) => ({
      section: '',
      metric: `cluster shard ${i + 1} (:${s.port}, ${s.queues.join(', ') || 'no queue'})`,
      value: us(s.redisUsPerJob),
      target: `${pct(s.share)} of the cluster's (process CPU ${us(s.processCpuUsPerJob)}, ${pct(s.processShare)})`,
    })),
    {
      section: '',
      metric: 'cluster, summed over shards',
      value: us(m.redisUs.cluster),
      target: `rounds: ${perRound('cluster', redisUsPerJob, 1)}`,
    },
    {
      section: '',
      metric: 'busiest shard share, median of rounds',
      value: pct(m.maxShare),
      target: `<= ${pct(TARGET_MAX_SHARE)}; worst round ${pct(m.worstShare)}`,
      pass: m.maxShare <= TARGET_MAX_SHARE,
    },
    {
      section: '',
      metric: 'cluster summed / one Redis, median of rounds',
      value: `${m.cpuRatio.toFixed(3)}x`,
      target: `<= ${TARGET_CPU_RATIO}x; rounds: ${m.cpuRatios.map((r) => r.toFixed(3)).join(', ')}`,
      pass: m.cpuRatio <= TARGET_CPU_RATIO,
    },
    {
      section: 'Redis process CPU per job (INFO cpu: user + sys, not stretched by preemption)',
      metric: 'one Redis / cluster summed',
      value: `${us(m.processCpu.single)} / ${us(m.processCpu.cluster)}`,
      target: 'with networking and the event loop, without scripts counted twice',
    },
    {
      section: '',
      metric: 'busiest shard share, median of rounds',
      value: pct(m.maxProcessShare),
      target: `<= ${pct(TARGET_MAX_SHARE)} (the same target, on process CPU)`,
      pass: m.maxProcessShare <= TARGET_MAX_SHARE,
    },
    {
      section: '',
      metric: 'cluster summed / one Redis, median of rounds',
      value: `${m.processCpu.ratio.toFixed(3)}x`,
      target: `<= ${TARGET_CPU_RATIO}x (the same target, on process CPU); rounds: ${m.processRatios.map((r) => r.toFixed(3)).join(', ')}`,
      pass: m.processCpu.ratio <= TARGET_CPU_RATIO,
    },
    {
      section: '',
      metric: 'idle servers, µs CPU per second',
      value: `${Math.round(m.idle.single)} / ${Math.round(m.idle.cluster)}`,
      target: `one Redis / cluster summed, no client working: ${us(m.idlePerJob.single)} / ${us(m.idlePerJob.cluster)} per job at the median rates`,
    },
    {
      section: '',
      metric: 'worker-side CPU per job (this process)',
      value: `${us(m.workerCpu.single)} / ${us(m.workerCpu.cluster)}`,
      target: 'one Redis / cluster',
    },
  ];
  for (const [i, d] of commandDifferences(m, 5).entries())
    rows.push({
      section: i === 0 ? 'largest per-command differences, usec per job (calls per job)' : '',
      metric: d.name,
      value: `${d.single.usecPerJob.toFixed(2)} / ${d.cluster.usecPerJob.toFixed(2)}`,
      target: `one Redis / cluster (${d.single.callsPerJob} / ${d.cluster.callsPerJob} calls)`,
    });
  return rows;
}

/** Stops the servers when the process is told to stop (Ctrl-C) or exits before the finally ran. */
function stopOnExit(topologies: readonly TestTopology[]): () => void {
  const stop = () => {
    for (const t of topologies) void t.stop();
  };
  const onSignal = () => {
    stop();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', stop);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', stop);
  };
}

export default defineBenchmark({
  description:
    'the throughput workload over three queues on a 3-master Redis Cluster vs one Redis (both started here), per-queue tags: jobs/s and Redis CPU per job per shard',
  flags: {
    jobs: {
      min: 3,
      default: 15_000,
      description: 'no-op jobs per side per round, split evenly over the three queues',
    },
    concurrency: { min: 1, default: 50, description: 'worker concurrency per queue (both sides)' },
    rounds: {
      min: 1,
      default: 5,
      description: 'measured rounds; sides alternate single, cluster then cluster, single',
    },
    warmup: { default: 6_000, description: 'jobs per side in an unmeasured warm-up round (0: none)' },
    chunk: { min: 1, default: 1_000, description: 'jobs per performAllLater call, per queue' },
    'idle-ms': {
      default: 3_000,
      description: "how long the idle servers' own CPU is read before the rounds (0: skip)",
    },
  },

  async run(ctx) {
    configureBacklot({ logger: await backlotLogger('info') });
    const started: TestTopology[] = [];
    const cancelExitHook = stopOnExit(started);
    const open: Servers[] = [];
    const loadAtStart = loadavg()[0] as number;
    try {
      ctx.log('starting one redis-server and a 3-master cluster on free loopback ports');
      const one = await startRedisServer();
      started.push(one);
      const three = await startCluster(3);
      started.push(three);
      // The topologies as a deployment's environment gives them (config/redis-topology.ts).
      const single = servers(
        'single',
        redisTopology({
          REDIS_URL: `redis://${one.seeds}`,
          QUEUE_PREFIX: PREFIX,
          REDIS_KEY_LAYOUT: 'per-queue',
        }),
        one,
      );
      open.push(single);
      const cluster = servers(
        'cluster',
        redisTopology({
          REDIS_URL: 'redis://127.0.0.1',
          QUEUE_PREFIX: PREFIX,
          REDIS_CLUSTER_NODES: three.seeds,
        }),
        three,
      );
      open.push(cluster);
      const m = await measure(ctx, single, cluster);
      const loadAtEnd = loadavg()[0] as number;
      return {
        metrics: {
          config: {
            ...ctx.flags,
            queues: QUEUES,
            prefix: PREFIX,
            layout: 'per-queue',
            servers: `own redis-server processes: one on :${one.nodes[0]?.port}, cluster on ${three.seeds}`,
            loadAverage: { start: round(loadAtStart, 2), end: round(loadAtEnd, 2) },
          },
          placement: m.placement,
          threeMasters: m.threeMasters,
          jobsPerSec: {
            single: round(m.rate.single, 0),
            cluster: round(m.rate.cluster, 0),
            ratio: round(m.rateRatio, 3),
          },
          redisUsPerJob: {
            single: round(m.redisUs.single, 2),
            clusterSummed: round(m.redisUs.cluster, 2),
            ratio: round(m.cpuRatio, 3),
            roundRatios: m.cpuRatios.map((r) => round(r, 3)),
            target: `<= ${TARGET_CPU_RATIO}`,
          },
          shards: m.shards.map((s) => ({
            ...s,
            redisUsPerJob: round(s.redisUsPerJob, 2),
            share: round(s.share, 3),
            processCpuUsPerJob: round(s.processCpuUsPerJob, 2),
            processShare: round(s.processShare, 3),
          })),
          busiestShardShare: {
            median: round(m.maxShare, 3),
            worst: round(m.worstShare, 3),
            target: `<= ${TARGET_MAX_SHARE}`,
          },
          processCpuUsPerJob: {
            single: round(m.processCpu.single, 2),
            clusterSummed: round(m.processCpu.cluster, 2),
            ratio: round(m.processCpu.ratio, 3),
            roundRatios: m.processRatios.map((r) => round(r, 3)),
            busiestShardShare: round(m.maxProcessShare, 3),
          },
          idleCpuUsPerSec: {
            single: round(m.idle.single, 0),
            cluster: round(m.idle.cluster, 0),
            perJobAtMedianRate: {
              single: round(m.idlePerJob.single, 2),
              cluster: round(m.idlePerJob.cluster, 2),
            },
          },
          workerCpuUsPerJob: { single: round(m.workerCpu.single, 1), cluster: round(m.workerCpu.cluster, 1) },
          commandsPerJob: m.commands,
          runs: m.runs.map((r) => ({
            side: r.side,
            round: r.round,
            jobs: r.jobs,
            enqueueMs: round(r.enqueueMs, 0),
            processMs: round(r.processMs, 0),
            jobsPerSec: round(r.jobsPerSec, 0),
            workerCpuUsPerJob: round(r.cpuUsPerJob, 1),
            redisUsPerJob: round(redisUsPerJob(r), 2),
            failed: r.failed,
            nodes: r.nodes.map((x) => ({ port: x.port, usec: x.usec, cpuUs: Math.round(x.cpuUs) })),
          })),
        },
        ratio: round(m.cpuRatio, 3),
        rows: rowsOf(m, ctx.flags),
        notes: [
          `Both sides: QUEUE_PREFIX ${PREFIX}, REDIS_KEY_LAYOUT=per-queue (queues ${QUEUES.join(', ')}), connections from config/redis.ts createRedis, one startWorker over the three queues in this process; each side's servers are this benchmark's own redis-server processes, started and stopped by it.`,
          "Redis CPU = usec in INFO commandstats summed over every command after CONFIG RESETSTAT (the measurement's INFO and CONFIG left out); Redis counts a command a script calls under that command as well as inside the script's EVALSHA, so both sides count those twice alike. That usec is elapsed time around each command (Redis 7.0: ustime()), so on a loaded machine a server descheduled mid-command counts the wait too; INFO cpu's process CPU (getrusage) is beside it, with the same targets.",
          `Load average (1 min): ${loadAtStart.toFixed(2)} at the start, ${loadAtEnd.toFixed(2)} at the end; the 2-core machine is shared, and the cluster's three servers compete with the worker process for it.`,
          'Targets are information: a miss never makes this command fail.',
        ],
      };
    } finally {
      for (const s of open) await Promise.all(s.nodes.map((n) => n.client.quit().catch(() => undefined)));
      for (const t of started) await t.stop();
      cancelExitHook();
    }
  },
});
