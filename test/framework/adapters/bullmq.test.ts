import type { Job as BullJob } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Job, startWorker, type RunningWorker } from '../../../app/framework/index';
import { useRedisPrefix } from '../../support/redis';
import { useBullmqAdapter } from './bullmq-support';
import { describeEachTopology } from '../../support/redis-target';

class FlakyError extends Error {}
class FatalError extends Error {}

const runs: Record<string, number> = {};

class AddJob extends Job {
  perform(a: number, b: number) {
    return a + b;
  }
}

class FlakyJob extends Job {
  static {
    this.retryOn(FlakyError, { attempts: 3, wait: 0.05, jitter: 0 });
  }
  perform(key: string, failures: number) {
    runs[key] = (runs[key] ?? 0) + 1;
    if ((runs[key] ?? 0) <= failures) throw new FlakyError(`flaky run ${runs[key]}`);
    return `ok after ${runs[key]}`;
  }
}

class BoomJob extends Job {
  static {
    this.retryOn(FlakyError, { attempts: 5 });
  }
  perform() {
    throw new FatalError('boom');
  }
}

// On one Redis, a Sentinel group and a Redis Cluster (per-queue hash tags there).
describeEachTopology('BullmqAdapter with a worker on real Redis', (target) => {
  const redis = useRedisPrefix('bullmq', target);
  const bull = useBullmqAdapter(redis, { queues: [], jobs: [AddJob, FlakyJob, BoomJob] });
  let worker: RunningWorker;

  beforeAll(() => {
    worker = startWorker({
      queues: ['default'],
      concurrency: 4,
      connection: redis.connection({ worker: true }),
      prefix: redis.prefix,
      layout: redis.layout,
    });
  });

  afterAll(async () => {
    await worker.close();
  });

  async function finished(job: Job): Promise<BullJob> {
    const bullJob = await bull.adapter.queue(job.queueName).getJob(job.jobId);
    if (!bullJob) throw new Error(`job ${job.jobId} not found`);
    await bullJob.waitUntilFinished(bull.events, 10_000).catch(() => undefined);
    return (await bull.adapter.queue(job.queueName).getJob(job.jobId)) as BullJob;
  }

  it('stores the job under its class name with Backlot’s job id and runs it', async () => {
    const job = await AddJob.performLater(2, 3);
    expect(job.providerJobId).toBe(job.jobId);
    const done = await finished(job);
    expect(done.name).toBe('AddJob');
    expect(done.returnvalue).toBe(5);
    expect(await done.getState()).toBe('completed');
  });

  it('schedules set({ wait }) as a BullMQ delayed job', async () => {
    const job = await AddJob.set({ wait: 60 }).performLater(1, 1);
    const bullJob = await bull.adapter.queue('default').getJob(job.jobId);
    expect(await bullJob?.getState()).toBe('delayed');
    expect(bullJob?.opts.delay).toBeGreaterThan(59_000);
    await bullJob?.remove();
  });

  it('keeps the priority given by set({ priority })', async () => {
    const job = await AddJob.set({ wait: 60, priority: 7 }).performLater(1, 1);
    const bullJob = await bull.adapter.queue('default').getJob(job.jobId);
    expect(bullJob?.opts.priority).toBe(7);
    await bullJob?.remove();
  });

  it('retries with real BullMQ attempts and delays, then completes', async () => {
    const job = await FlakyJob.performLater(`${target.kind}:retry-then-ok`, 2);
    const done = await finished(job);
    expect(await done.getState()).toBe('completed');
    expect(done.returnvalue).toBe('ok after 3');
    expect(done.attemptsMade).toBe(3);
    expect(done.opts.attempts).toBe(3);
    expect(done.data.exceptionExecutions).toEqual({ FlakyError: 2 });
  });

  it('lands in the failed set once retries are exhausted, with the error and stack', async () => {
    const job = await FlakyJob.performLater(`${target.kind}:always`, 99);
    const done = await finished(job);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(3);
    expect(done.failedReason).toBe('flaky run 3');
    expect(done.stacktrace?.at(-1)).toContain('FlakyJob.perform');
  });

  it('fails at once on an error no handler claims, keeping the stack', async () => {
    const job = await BoomJob.performLater();
    const done = await finished(job);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toBe('boom');
    expect(done.stacktrace?.join('\n')).toContain('BoomJob.perform');
  });

  it('fails a job of an unknown class with "unknown job class X", saying how to fix it, and keeps working', async () => {
    const queue = bull.adapter.queue('default');
    const stray = await queue.add('GhostJob', {
      jobClass: 'GhostJob',
      jobId: `ghost-${target.kind}`,
      queueName: 'default',
      arguments: [],
      executions: 0,
      exceptionExecutions: {},
      enqueuedAt: new Date().toISOString(),
    });
    await stray.waitUntilFinished(bull.events, 10_000).catch(() => undefined);
    const failed = await queue.getJob(String(stray.id));
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.failedReason).toBe(
      'unknown job class GhostJob: register it with registerJobs() and restart the workers',
    );
    const next = await finished(await AddJob.performLater(20, 22));
    expect(next.returnvalue).toBe(42);
  });

  it('enqueues many jobs with performAllLater in one round trip per queue', async () => {
    const client = bull.adapter.connection;
    let roundTrips = 0;
    const multi = client.multi.bind(client);
    const pipeline = client.pipeline.bind(client);
    client.multi = ((...args: Parameters<typeof multi>) => {
      roundTrips += 1;
      return multi(...args);
    }) as typeof multi;
    client.pipeline = (...args: Parameters<typeof pipeline>) => {
      roundTrips += 1;
      return pipeline(...args);
    };
    try {
      const jobs = Array.from({ length: 50 }, (_, i) => AddJob.build(i, 1));
      expect(await Job.performAllLater(jobs)).toBe(50);
      expect(roundTrips).toBe(1);
      expect(jobs.every((j) => j.successfullyEnqueued && j.providerJobId === j.jobId)).toBe(true);
      const lastJob = jobs.at(-1) as Job;
      expect((await finished(lastJob)).returnvalue).toBe(50);
    } finally {
      client.multi = multi;
      client.pipeline = pipeline;
    }
  });
});
