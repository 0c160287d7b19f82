import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  Job,
  JobInspector,
  registerJobs,
  startWorker,
  type RunningWorker,
} from '../../../app/framework/index';
import { JobCanceledError } from '../../../app/framework/errors';
import { useRedisPrefix } from '../../support/redis';
import { waitUntil } from '../../support/wait';

class GoneError extends Error {
  override name = 'GoneError';
}
class FlakyError extends Error {
  override name = 'FlakyError';
}

const runs = new Map<string, number>();
const running = new Map<string, Job>();
let release: (() => void) | undefined;

class StateJob extends Job {
  static override jobName = 'States_StateJob';
  static {
    this.discardOn(GoneError);
    this.retryOn(FlakyError, { wait: 0, attempts: 3, jitter: 0 });
  }
  async perform(kind: 'discard' | 'flaky' | 'hold' | 'block') {
    const n = (runs.get(this.jobId) ?? 0) + 1;
    runs.set(this.jobId, n);
    if (kind === 'discard') throw new GoneError('the post is gone');
    if (kind === 'flaky' && n === 1) throw new FlakyError('first attempt fails');
    if (kind === 'hold') await new Promise<void>((resolve) => (release = resolve));
    if (kind === 'block') {
      await new Promise((_resolve, reject) =>
        this.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    }
    return 'ok';
  }
}

describe('job states as shown (dashboard, bin/jobs, /metrics)', () => {
  const redis = useRedisPrefix('job-states');
  let adapter: BullmqAdapter;
  let inspector: JobInspector;
  let worker: RunningWorker;

  beforeAll(() => {
    adapter = new BullmqAdapter({ connection: redis.connection(), prefix: redis.prefix });
    configureBacklot({ adapter, queues: ['default'] });
    registerJobs([StateJob]);
    inspector = new JobInspector(adapter, ['default']);
    worker = startWorker({
      queues: ['default'],
      concurrency: 4,
      connection: redis.connection({ worker: true }),
      prefix: redis.prefix,
      // What bin/worker's cancel listener does for a running job (runtime/worker-process.ts).
      hooks: { onStart: (job) => void running.set(job.jobId, job) },
    });
  });

  afterAll(async () => {
    release?.();
    await worker?.close();
    await adapter.close();
  });

  const stateOf = async (id: string) => (await inspector.status(id)).state;

  it('tells discarded, canceled, completed-after-retry and running jobs apart, and counts agree with lists', async () => {
    const discarded = await StateJob.performLater('discard');
    const flaky = await StateJob.performLater('flaky');
    const held = await StateJob.performLater('hold');
    const blocked = await StateJob.performLater('block');

    await waitUntil('the discarded job', async () => (await stateOf(discarded.jobId)) === 'discarded', {
      timeoutMs: 10_000,
    });
    await waitUntil('the retried job', async () => (await stateOf(flaky.jobId)) === 'completed', {
      timeoutMs: 15_000,
    });
    await waitUntil('the held job', async () => (await stateOf(held.jobId)) === 'active', {
      timeoutMs: 10_000,
    });
    await waitUntil('the blocked job', async () => (await stateOf(blocked.jobId)) === 'active', {
      timeoutMs: 10_000,
    });
    running.get(blocked.jobId)?.abort(new JobCanceledError('canceled by the spec'));
    await waitUntil('the canceled job', async () => (await stateOf(blocked.jobId)) === 'canceled', {
      timeoutMs: 10_000,
    });

    const d = await inspector.status(discarded.jobId);
    expect(d.error).toBe('GoneError: the post is gone');

    const f = await inspector.status(flaky.jobId);
    expect(f.attempts).toBe(2);
    expect(f.error).toBeUndefined();

    const h = await inspector.status(held.jobId);
    expect(h.attempts).toBe(1);
    expect(h.startedAt).toBeDefined();

    const [stats] = await inspector.stats();
    expect(stats?.counts).toMatchObject({ completed: 1, discarded: 1, failed: 0, canceled: 1, active: 1 });

    for (const state of ['completed', 'discarded', 'canceled', 'failed', 'active'] as const) {
      const listed = await inspector.list({ state, limit: 50 });
      expect(listed.length, state).toBe(stats?.counts[state]);
      expect(listed.every((j) => j.state === state)).toBe(true);
    }
    expect((await inspector.list({ state: 'canceled' })).map((j) => j.id)).toEqual([blocked.jobId]);
    expect((await inspector.list({ jobClass: 'Nope' })).length).toBe(0);
    expect(() => inspector.checkState('bogus')).toThrow(/unknown state "bogus".*discarded, canceled/);

    // The counts remember marked ids between calls: a destroyed discarded job leaves them, a new one joins.
    await (await inspector.find(discarded.jobId))?.remove();
    expect((await inspector.stats())[0]?.counts).toMatchObject({ discarded: 0, completed: 1 });
    const again = await StateJob.performLater('discard');
    await waitUntil('the second discarded job', async () => (await stateOf(again.jobId)) === 'discarded');
    expect((await inspector.stats())[0]?.counts).toMatchObject({ discarded: 1, completed: 1, canceled: 1 });

    release?.();
    await waitUntil('the held job to finish', async () => (await stateOf(held.jobId)) === 'completed', {
      timeoutMs: 10_000,
    });
    expect((await inspector.status(held.jobId)).attempts).toBe(1);
  }, 30_000);

  it('pauses and resumes a queue: a paused queue keeps new jobs waiting', async () => {
    await inspector.pause('default');
    expect((await inspector.stats())[0]?.paused).toBe(true);
    const job = await StateJob.performLater('flaky');
    await new Promise((r) => setTimeout(r, 300));
    expect(await stateOf(job.jobId)).toBe('waiting');
    await inspector.resume('default');
    expect((await inspector.stats())[0]?.paused).toBe(false);
    await waitUntil('the job after resume', async () => (await stateOf(job.jobId)) === 'completed', {
      timeoutMs: 15_000,
    });
    await expect(inspector.pause('nope')).rejects.toThrow(/unknown queue "nope"/);
  }, 30_000);
});
