/**
 * The failover spec's body, shared by the Redis Cluster and Sentinel specs: a master killed
 * (kill -9) under a running bin/worker; the replica takes over, the worker carries on without a
 * restart, and every job enqueued after the failover runs.
 *
 * Steps: a bin/worker pool on `default`; the test enqueues FileRecordJob's one by one (each
 * appends `<jobId>:<pid>` to a file, outside Redis, so the count survives the kill) -> once some
 * ran, kill -9 of setup.masterPid (the master holding the default queue's keys) -> keep
 * enqueueing while waiting for setup.failedOver() -> 100 more jobs after that -> count by id: ran,
 * ran twice, lost (acknowledged by the master but never run: Redis replicates asynchronously),
 * printed in the test output as `failover finding: {...}`. Asserted: every job enqueued after the
 * failover ran, all on the same pool process.
 *
 * Example: describeFailover('Sentinel group', sentinelSetup)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqAdapter, configureBacklot, type RedisConnection } from '../../app/framework/index';
import { QUEUE_NAMES } from '../../config/queues';
import { createRedis } from '../../config/redis';
import { redisTopology, type RedisEnv } from '../../config/redis-topology';
import { FileRecordJob } from '../fixtures/jobs';
import { uniquePrefix } from '../support/redis';
import type { TestTopology } from '../support/redis-topologies';
import {
  FAST_TIMINGS,
  FIXTURES,
  isAlive,
  killProcessesOf,
  processEnv,
  sleep,
  startWorker,
  waitUntil,
  type WorkerHandle,
} from './support';

const POOL = 5;
const JOB_MS = 20;
const AFTER = 100;

type Phase = 'before' | 'during' | 'after';

interface Enqueued {
  id: string;
  phase: Phase;
  ok: boolean;
}

export interface Setup {
  topology: TestTopology;
  env: RedisEnv & Record<string, string>;
  /** The pid of the master that holds the default queue's keys: the one killed with kill -9. */
  masterPid: number;
  /** True once the replica is master and serves the default queue's slot. */
  failedOver(): Promise<boolean>;
}

export async function ask<T>(port: number, f: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await f(client);
  } finally {
    client.disconnect();
  }
}

export const isMaster = (port: number) =>
  ask(port, async (c) => (await c.info('replication')).includes('role:master'));

function runsIn(file: string): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return runs;
  }
  for (const line of text.split('\n')) {
    const [id, pid] = line.split(':');
    if (!id || !pid) continue;
    runs.set(id, [...(runs.get(id) ?? []), pid]);
  }
  return runs;
}

export function describeFailover(name: string, setup: (prefix: string) => Promise<Setup>): void {
  describe(`kill -9 of the master on a ${name} while workers run`, () => {
    const prefix = uniquePrefix('failover');
    const dir = mkdtempSync(join(tmpdir(), 'backlot-failover-'));
    const file = join(dir, 'runs.log');
    let s: Setup;
    let producer: RedisConnection;
    let adapter: BullmqAdapter;
    let worker: WorkerHandle;

    beforeAll(async () => {
      s = await setup(prefix);
      const layout = redisTopology(s.env).layout;
      producer = createRedis(s.env);
      adapter = new BullmqAdapter({ connection: producer, prefix, layout });
      configureBacklot({ adapter, queues: QUEUE_NAMES });
      worker = startWorker(
        [`--pool=default:${POOL}`, '--require', FIXTURES],
        processEnv(prefix, { ...FAST_TIMINGS, ...s.env }),
      );
      // Booting bin/worker (tsx, a supervisor and a pool child) beside six redis-servers can take
      // over 30 s on a loaded machine; the hook allows 120 s.
      await worker.started(`default:${POOL}`, 60_000);
    }, 120_000);

    afterAll(async () => {
      await worker?.kill9();
      await killProcessesOf(prefix);
      await adapter?.close().catch(() => undefined);
      producer?.disconnect();
      await s?.topology.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it(
      'fails over; the worker carries on and runs every job enqueued after',
      { timeout: 180_000 },
      async () => {
        const enqueued: Enqueued[] = [];
        let phase: Phase = 'before';
        let stop = false;
        const producing = (async () => {
          while (!stop) {
            const started: Phase = phase;
            const job = FileRecordJob.build(file, JOB_MS);
            // A rejected enqueue (the producer was told) is not a lost job.
            const ok = await job.enqueue().then(
              () => job.successfullyEnqueued,
              () => false,
            );
            // A job whose enqueue began before the failover was seen counts as "during".
            enqueued.push({ id: job.jobId, phase: started === phase ? started : 'during', ok });
            await sleep(10);
          }
        })();

        await waitUntil('50 jobs ran before the kill', () => runsIn(file).size >= 50, { timeoutMs: 60_000 });
        process.kill(s.masterPid, 'SIGKILL');
        phase = 'during';
        const killedAt = Date.now();
        await waitUntil('the replica took over', () => s.failedOver(), {
          timeoutMs: 60_000,
          intervalMs: 100,
        });
        const failoverMs = Date.now() - killedAt;
        phase = 'after';
        await waitUntil(
          `${AFTER} jobs enqueued after the failover`,
          () => enqueued.filter((e) => e.phase === 'after' && e.ok).length >= AFTER,
          { timeoutMs: 60_000 },
        );
        stop = true;
        await producing;

        const after = enqueued.filter((e) => e.phase === 'after');
        await waitUntil(
          'every job enqueued after the failover ran',
          () => {
            const runs = runsIn(file);
            return after.every((e) => runs.has(e.id));
          },
          { timeoutMs: 60_000, intervalMs: 200 },
        ).catch(async (error: unknown) => {
          const runs = runsIn(file);
          const missing = after.filter((e) => !runs.has(e.id)).length;
          const counts = await adapter.queue('default').getJobCounts('waiting', 'active', 'completed');
          throw new Error(
            `${String(error)}: ${missing} of ${after.length} never ran (queue: ${JSON.stringify(counts)}); ` +
              `bin/worker's output ends:\n` +
              worker.proc.output().slice(-4000),
          );
        });
        // Give jobs from before the kill their chance: a lock lost with the master expires (3 s) and
        // the stalled check (1 s) hands the job out again. Wait until nothing is left to run.
        const queue = adapter.queue('default');
        await waitUntil(
          'the queue has nothing waiting or active',
          async () => (await queue.getWaitingCount()) + (await queue.getActiveCount()) === 0,
          { timeoutMs: 60_000, intervalMs: 500 },
        );
        await sleep(2 * Number(FAST_TIMINGS.WORKER_LOCK_DURATION_MS));

        const runs = runsIn(file);
        const accepted = enqueued.filter((e) => e.ok);
        const lost = accepted.filter((e) => !runs.has(e.id));
        const twice = accepted.filter((e) => (runs.get(e.id)?.length ?? 0) > 1);
        const rejectedButRan = enqueued.filter((e) => !e.ok && runs.has(e.id));
        const byPhase = (p: Phase) => accepted.filter((e) => e.phase === p).length;
        const report = {
          topology: name,
          failoverMs,
          accepted: { before: byPhase('before'), during: byPhase('during'), after: byPhase('after') },
          rejected: enqueued.length - accepted.length,
          ran: accepted.length - lost.length,
          ranTwice: twice.map((e) => `${e.id} (${e.phase})`),
          lost: lost.map((e) => `${e.id} (${e.phase})`),
          rejectedButRan: rejectedButRan.map((e) => e.id),
        };
        console.log(`failover finding: ${JSON.stringify(report)}`);

        // The point of the spec: nothing enqueued once the replica is master goes missing.
        expect(after.filter((e) => !e.ok)).toEqual([]);
        expect(after.filter((e) => !runs.has(e.id)).map((e) => e.id)).toEqual([]);
        // And the worker carried on: same supervisor, same (only) pool process ran them.
        expect(isAlive(worker.pid)).toBe(true);
        expect(worker.childPids()).toHaveLength(1);
        const pool = String(worker.childPid());
        expect(after.flatMap((e) => runs.get(e.id) ?? []).every((pid) => pid === pool)).toBe(true);
      },
    );
  });
}
