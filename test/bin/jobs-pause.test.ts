/**
 * bin/jobs pause/resume as real processes, with a real bin/worker on this file's Redis prefix:
 * `pause default` says so, `stats` (table and JSON) shows the queue paused, a job enqueued
 * meanwhile stays waiting while the worker runs; `resume default` clears it and the job
 * completes; an unknown queue is a clear error with exit 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqAdapter, configureBacklot, registerJobs } from '../../app/framework/index';
import { QUEUE_NAMES } from '../../config/queues';
import { PingJob } from '../../jobs/ping.job';
import { runBin } from '../support/processes';
import { processEnv, startWorker, useWorkerScope, waitUntil, type WorkerHandle } from '../runtime/support';

interface StatsRow {
  queue: string;
  paused: boolean;
  counts: Record<string, number>;
}

describe('bin/jobs pause and resume (real processes, real Redis)', () => {
  const scope = useWorkerScope('jobs-pause-cli');
  const env = processEnv(scope);
  let adapter: BullmqAdapter;
  let worker: WorkerHandle;

  const jobs = (...args: string[]) => runBin('jobs', args, env);
  const stats = async (): Promise<StatsRow[]> =>
    JSON.parse((await jobs('stats', '--json')).stdout) as StatsRow[];

  beforeAll(async () => {
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: QUEUE_NAMES });
    registerJobs([PingJob]);
    worker = startWorker(['--pool=default:1'], env);
    await worker.started();
  }, 60_000);

  afterAll(async () => {
    worker?.proc.signal('SIGTERM');
    await worker?.proc.exited;
    await adapter?.close();
  }, 30_000);

  it('pauses a queue: stats shows it, and a job enqueued meanwhile waits', async () => {
    const paused = await jobs('pause', 'default');
    expect(paused.code).toBe(0);
    expect(paused.stdout.trim()).toBe(
      'Queue default paused: workers take no new jobs from it (running ones finish)',
    );
    expect(await adapter.queue('default').isPaused()).toBe(true);

    const table = await jobs('stats');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^queue\s.*\spaused\s*$/m);
    expect(table.stdout).toMatch(/^default\s.*\syes\s*$/m);
    expect(table.stdout).not.toMatch(/^bulk_update\s.*\syes\s*$/m);
    const json = await stats();
    expect(json.find((q) => q.queue === 'default')?.paused).toBe(true);
    expect(json.find((q) => q.queue === 'bulk_update')?.paused).toBe(false);

    const job = await PingJob.performLater('while paused');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await adapter.queue('default').getJobState(job.jobId)).toBe('waiting');
    expect((await stats()).find((q) => q.queue === 'default')?.counts.waiting).toBe(1);

    const resumed = await jobs('resume', 'default', '--json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual({ queue: 'default', paused: false });
    expect((await stats()).find((q) => q.queue === 'default')?.paused).toBe(false);
    expect((await jobs('stats')).stdout).not.toMatch(/^default\s.*\syes\s*$/m);
    await waitUntil(
      'the job runs after resume',
      async () => (await adapter.queue('default').getJobState(job.jobId)) === 'completed',
      { timeoutMs: 20_000 },
    );
  }, 60_000);

  it('refuses an unknown queue with exit 1, naming it', async () => {
    for (const verb of ['pause', 'resume']) {
      const res = await jobs(verb, 'nope');
      expect(res.code, verb).toBe(1);
      expect(res.stderr).toContain('unknown queue "nope"');
    }
  }, 30_000);
});
