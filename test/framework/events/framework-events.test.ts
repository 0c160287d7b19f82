import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backlotSettings,
  BullmqAdapter,
  cancelJob,
  configureBacklot,
  configureEvents,
  EventBroker,
  InlineAdapter,
  Job,
  registerJobs,
  startWorkerProcess,
  workerId,
  type BacklotEvent,
  type FrameworkEventType,
} from '../../../app/framework/index';
import { useRedisPrefix } from '../../support/redis';
import { recorder, waitUntil, type Recorder } from './support';

class TransientError extends Error {
  override name = 'TransientError';
}
class ObsoleteError extends Error {
  override name = 'ObsoleteError';
}

class SignupJob extends Job {
  static override jobName = 'EventsTest_Signup';
  async perform(user: { email: string; password: string }) {
    await this.reportProgress(50);
    await this.reportProgress({ step: 'mail' });
    return user.email;
  }
}

let flaky = 0;
class FlakyJob extends Job {
  static override jobName = 'EventsTest_Flaky';
  static {
    this.retryOn(TransientError, { attempts: 2, wait: 0 });
  }
  perform() {
    flaky += 1;
    if (flaky === 1) throw new TransientError('try again');
  }
}

class BoomJob extends Job {
  static override jobName = 'EventsTest_Boom';
  perform(): void {
    throw new Error('boom');
  }
}

class ObsoleteJob extends Job {
  static override jobName = 'EventsTest_Obsolete';
  static {
    this.discardOn(ObsoleteError);
  }
  perform(): void {
    throw new ObsoleteError('no longer needed');
  }
}

class HaltedJob extends Job {
  static override jobName = 'EventsTest_Halted';
  static {
    this.beforePerform(() => false);
  }
  perform() {}
}

class SleepyJob extends Job {
  static override jobName = 'EventsTest_Sleepy';
  async perform(ms: number) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      this.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(this.signal.reason as Error);
      });
    });
  }
}

const types = (events: BacklotEvent[]) => events.map((e) => e.type);
const of = <T extends FrameworkEventType>(events: BacklotEvent[], type: T) =>
  events.filter((e) => e.type === type) as BacklotEvent<T>[];

describe('framework job events (inline adapter, in-process broker)', () => {
  let broker: EventBroker;
  let seen: Recorder;

  beforeEach(() => {
    configureBacklot({ adapter: new InlineAdapter(), queues: [] });
    broker = new EventBroker();
    seen = recorder('seen');
    broker.register(seen);
    configureEvents(broker);
  });
  afterEach(async () => {
    configureEvents(undefined);
    await broker.close(500);
  });

  it('publishes started, progress, completed and enqueued with the job fields, secrets filtered', async () => {
    const job = await SignupJob.performLater({ email: 'a@b', password: 'hunter2' });
    await broker.flush(1_000);
    expect(types(seen.events)).toEqual([
      'job.started',
      'job.progress',
      'job.progress',
      'job.completed',
      'job.enqueued',
    ]);
    const fields = { jobId: job.jobId, jobClass: 'EventsTest_Signup', queue: 'default' };
    for (const event of seen.events) {
      expect(event.data).toMatchObject(fields);
      expect(event.topic).toBe(`/jobs/${job.jobId}`);
    }
    expect(of(seen.events, 'job.started')[0]?.data).toMatchObject({
      attempt: 1,
      arguments: [{ email: 'a@b', password: '[FILTERED]' }],
    });
    expect(of(seen.events, 'job.progress').map((e) => e.data.progress)).toEqual([50, { step: 'mail' }]);
    expect(of(seen.events, 'job.completed')[0]?.data.durationMs).toBeGreaterThanOrEqual(0);
    expect(of(seen.events, 'job.enqueued')[0]?.data).toMatchObject({
      arguments: [{ email: 'a@b', password: '[FILTERED]' }],
    });
  });

  it('maps every outcome: retried, failed, discarded, halted', async () => {
    flaky = 0;
    await FlakyJob.performLater();
    await expect(BoomJob.performLater()).rejects.toThrow('boom');
    await ObsoleteJob.performLater();
    await HaltedJob.performLater();
    await broker.flush(1_000);
    const outcomes = seen.events.filter((e) => !['job.started', 'job.enqueued'].includes(e.type));
    expect(outcomes.map((e) => [e.type, (e.data as { jobClass: string }).jobClass])).toEqual([
      ['job.retried', 'EventsTest_Flaky'],
      ['job.completed', 'EventsTest_Flaky'],
      ['job.failed', 'EventsTest_Boom'],
      ['job.failed', 'EventsTest_Obsolete'],
      ['job.completed', 'EventsTest_Halted'],
    ]);
    const [retried, , failed, discarded, halted] = outcomes;
    expect(retried?.data).toMatchObject({
      attempt: 1,
      delayMs: 0,
      error: { name: 'TransientError', message: 'try again' },
    });
    expect(failed?.data).toMatchObject({
      error: { name: 'Error', message: 'boom' },
      exhausted: false,
      discarded: false,
    });
    expect(discarded?.data).toMatchObject({ error: { name: 'ObsoleteError' }, discarded: true });
    expect(halted?.data).toMatchObject({ halted: true });
  });

  it('builds no event at all without a bus', async () => {
    configureEvents(undefined);
    expect(backlotSettings().events).toBeUndefined();
    await SignupJob.performLater({ email: 'c@d', password: 'x' });
    await broker.flush(1_000);
    expect(seen.events).toEqual([]);
  });
});

describe('framework job and worker events (BullMQ worker process on real Redis)', () => {
  const redis = useRedisPrefix('events-fw');
  const broker = new EventBroker();
  const seen = recorder('seen');
  broker.register(seen);
  let adapter: BullmqAdapter | undefined;

  afterAll(async () => {
    configureEvents(undefined);
    await adapter?.close();
    await broker.close(500);
  });

  it('publishes worker.up, job.canceled for a running job, job.deleted for a waiting one, worker.down', async () => {
    adapter = new BullmqAdapter({ connection: redis.connection(), prefix: redis.prefix });
    configureBacklot({ adapter, queues: ['default'] });
    registerJobs([SleepyJob]);
    configureEvents(broker);
    const proc = await startWorkerProcess({
      pool: { queues: ['default'], concurrency: 1 },
      connect: () => redis.connection({ worker: true }),
      prefix: redis.prefix,
      timings: {
        lockDurationMs: 30_000,
        stalledIntervalMs: 30_000,
        maxStalledCount: 2,
        shutdownGraceMs: 2_000,
      },
    });
    try {
      await waitUntil(() => seen.events.some((e) => e.type === 'worker.up'), 2_000, 'worker.up');
      expect(of(seen.events, 'worker.up')[0]).toMatchObject({
        topic: `/workers/${encodeURIComponent(workerId())}`,
        data: {
          workerId: workerId(),
          pid: process.pid,
          pools: ['default:1'],
          queues: ['default'],
          concurrency: 1,
        },
      });

      const running = await SleepyJob.performLater(10_000);
      await waitUntil(
        () => of(seen.events, 'job.started').some((e) => e.data.jobId === running.jobId),
        5_000,
        'job.started',
      );
      const waiting = await SleepyJob.set({ wait: 60 }).performLater(1);
      expect(await cancelJob(running.jobId, 'canceled by test')).toBe('signalled');
      expect(await cancelJob(waiting.jobId)).toBe('removed');
      await waitUntil(
        () => ['job.canceled', 'job.deleted'].every((t) => types(seen.events).includes(t)),
        5_000,
        'job.canceled and job.deleted',
      );
      expect(of(seen.events, 'job.canceled')[0]?.data).toMatchObject({
        jobId: running.jobId,
        reason: 'canceled by test',
      });
      expect(of(seen.events, 'job.deleted')[0]?.data).toEqual({
        jobId: waiting.jobId,
        queue: 'default',
        jobClass: 'EventsTest_Sleepy',
        reason: 'canceled',
      });
    } finally {
      await proc.shutdown();
    }
    await broker.flush(1_000);
    expect(of(seen.events, 'worker.down')[0]?.data).toMatchObject({
      workerId: workerId(),
      reason: 'shutdown',
    });
    // Between up and down the order is racy (the worker may start a job before its producer logs
    // the enqueue; cancel's job.deleted and the worker's job.canceled race), so compare as sets.
    const all = types(seen.events);
    expect([all[0], all.at(-1)]).toEqual(['worker.up', 'worker.down']);
    expect(all.slice(1, -1).sort()).toEqual([
      'job.canceled',
      'job.deleted',
      'job.enqueued',
      'job.enqueued',
      'job.started',
    ]);
  });
});
