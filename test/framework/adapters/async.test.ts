import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AsyncAdapter, configureBacklot, Job } from '../../../app/framework/index';
import { captureLogs } from '../../support/log-capture';

class FlakyError extends Error {
  override name = 'FlakyError';
}
class HandledError extends Error {
  override name = 'HandledError';
}

const done: string[] = [];
let inFlight = 0;
let maxInFlight = 0;
let releaseGate: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();

function closeGate(): void {
  gate = new Promise((resolve) => {
    releaseGate = resolve;
  });
}

class GatedJob extends Job {
  static override jobName = 'AsyncTest_Gated';
  async perform(label: string) {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await gate;
    inFlight -= 1;
    done.push(label);
  }
}

const attempts = new Map<string, number>();

class RetryingJob extends Job {
  static override jobName = 'AsyncTest_Retrying';
  static {
    this.retryOn(FlakyError, { attempts: 3, wait: 0.01, jitter: 0 });
  }
  perform(key: string, failures: number) {
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    if (n <= failures) throw new FlakyError(`run ${n}`);
    done.push(`${key} ok after ${n}`);
  }
}

class FailingJob extends Job {
  static override jobName = 'AsyncTest_Failing';
  perform() {
    throw new TypeError('failing for good');
  }
}

class BrokenHandlerJob extends Job {
  static override jobName = 'AsyncTest_BrokenHandler';
  static {
    this.discardOn(HandledError, () => {
      throw new Error('the discard handler broke');
    });
  }
  perform() {
    throw new HandledError('handled');
  }
}

describe('AsyncAdapter', () => {
  let adapter: AsyncAdapter;

  beforeEach(() => {
    done.length = 0;
    inFlight = 0;
    maxInFlight = 0;
    attempts.clear();
    gate = Promise.resolve();
    adapter = new AsyncAdapter({ concurrency: 2 });
    configureBacklot({ adapter, queues: [] });
  });

  afterEach(async () => {
    releaseGate();
    await adapter.close();
  });

  it('runs jobs in the background: performLater resolves before the job has run', async () => {
    closeGate();
    const job = await GatedJob.performLater('background');
    expect(job.successfullyEnqueued).toBe(true);
    await vi.waitFor(() => expect(inFlight).toBe(1));
    expect(done).toEqual([]);
    releaseGate();
    await adapter.drained();
    expect(done).toEqual(['background']);
  });

  it('runs at most `concurrency` jobs at once and runs every job', async () => {
    closeGate();
    for (const label of ['a', 'b', 'c', 'd', 'e', 'f']) await GatedJob.performLater(label);
    await vi.waitFor(() => expect(inFlight).toBe(2));
    releaseGate();
    await adapter.drained();
    expect(maxInFlight).toBe(2);
    expect([...done].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('runs a scheduled job once its delay has passed', async () => {
    const job = await GatedJob.set({ wait: 0.05 }).performLater('scheduled');
    expect(job.scheduledAt).toBeInstanceOf(Date);
    expect(done).toEqual([]);
    await adapter.drained();
    expect(done).toEqual(['scheduled']);
  });

  it('retries a failing job after its retry delay until it succeeds', async () => {
    await RetryingJob.performLater('flaky', 2);
    await adapter.drained();
    expect(attempts.get('flaky')).toBe(3);
    expect(done).toEqual(['flaky ok after 3']);
  });

  it('logs an unhandled failure and drops the job, and keeps running others', async () => {
    const logs = captureLogs('info');
    await FailingJob.performLater();
    await RetryingJob.performLater('exhausted', 99);
    await GatedJob.performLater('after');
    await adapter.drained();
    expect(attempts.get('exhausted')).toBe(3);
    expect(done).toEqual(['after']);
    const failures = logs.lines.filter((l) => l.event === 'failure');
    expect(failures.map((l) => l.jobClass).sort()).toEqual(['AsyncTest_Failing', 'AsyncTest_Retrying']);
  });

  it('logs an error raised by a discardOn handler instead of crashing the process', async () => {
    const logs = captureLogs('info');
    await BrokenHandlerJob.performLater();
    await GatedJob.performLater('after');
    await adapter.drained();
    expect(done).toEqual(['after']);
    const errors = logs.lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ jobClass: 'AsyncTest_BrokenHandler' });
    expect(errors[0]?.msg).toContain('the discard handler broke');
  });

  it('drops scheduled jobs on close()', async () => {
    await GatedJob.set({ wait: 0.05 }).performLater('never');
    await adapter.close();
    await adapter.drained();
    expect(done).toEqual([]);
  });
});
