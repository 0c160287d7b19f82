import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureBacklot,
  Job,
  JobInspector,
  JobOptionsError,
  queueRateLimits,
  registerJobs,
  startWorker,
  type RunningWorker,
} from '../../../app/framework/index';
import { useRedisPrefix } from '../../support/redis';
import { useBullmqAdapter } from './bullmq-support';
import { describeEachTopology } from '../../support/redis-target';

const order: string[] = [];

class StepJob extends Job {
  static override jobName = 'Features_StepJob';
  perform(name: string, fail = false) {
    order.push(name);
    if (fail) throw new Error(`step ${name} failed`);
    return `${name} done`;
  }
}

class SummaryJob extends Job {
  static override jobName = 'Features_SummaryJob';
  async perform(name: string) {
    order.push(name);
    return this.dependencyResults();
  }
}

class IndexPostJob extends Job {
  static override jobName = 'Features_IndexPostJob';
  static {
    this.uniqueBy((postId: number) => `post-${postId}`);
  }
  perform(_postId: number) {}
}

// On one Redis, a Sentinel group and a Redis Cluster (per-queue hash tags there).
describeEachTopology('BullMQ features declared on job classes', (target) => {
  const redis = useRedisPrefix('features', target);
  const bull = useBullmqAdapter(redis, { queues: ['default'], jobs: [StepJob, SummaryJob, IndexPostJob] });
  let inspector: JobInspector;
  let worker: RunningWorker;

  beforeAll(() => {
    inspector = new JobInspector(bull.adapter, ['default']);
  });

  afterAll(async () => {
    await worker?.close();
  });

  async function settle(job: Job) {
    const bullJob = await bull.adapter.queue('default').getJob(job.jobId);
    await bullJob?.waitUntilFinished(bull.events, 10_000).catch(() => undefined);
    return inspector.status(job.jobId);
  }

  describe('enqueueAfter (dependencies)', () => {
    it('runs the dependent only after every dependency, and hands it their results', async () => {
      worker ??= startWorker({
        queues: ['default'],
        concurrency: 2,
        connection: redis.connection({ worker: true }),
        prefix: redis.prefix,
        layout: redis.layout,
      });
      order.length = 0;
      const a = StepJob.build('a');
      const b = StepJob.build('b');
      const summary = SummaryJob.build('summary');
      await summary.enqueueAfter([a, b]);
      const status = await settle(summary);
      expect(status.state).toBe('completed');
      expect(order.indexOf('summary')).toBe(2);
      expect(status.result).toEqual({ [`default:${a.jobId}`]: 'a done', [`default:${b.jobId}`]: 'b done' });
      expect(status.dependencies.sort()).toEqual([`default:${a.jobId}`, `default:${b.jobId}`].sort());
      expect((await inspector.status(a.jobId)).dependents).toEqual([`default:${summary.jobId}`]);
    });

    it("with ifDependencyFails: 'fail', a failed dependency fails the dependent without running it", async () => {
      order.length = 0;
      const summary = SummaryJob.build('never');
      await summary.enqueueAfter([StepJob.build('ok'), StepJob.build('broken', true)], {
        ifDependencyFails: 'fail',
      });
      const status = await settle(summary);
      expect(status.state).toBe('failed');
      expect(order).not.toContain('never');
    });

    it("with ifDependencyFails: 'run', the dependent runs anyway", async () => {
      order.length = 0;
      const summary = SummaryJob.build('anyway');
      await summary.enqueueAfter([StepJob.build('broken-again', true)], { ifDependencyFails: 'run' });
      const status = await settle(summary);
      expect(status.state).toBe('completed');
      expect(order).toContain('anyway');
    });

    it('refuses an unknown policy', async () => {
      await expect(
        SummaryJob.build('x').enqueueAfter([], { ifDependencyFails: 'maybe' as 'run' }),
      ).rejects.toThrow("ifDependencyFails must be 'fail' or 'run'");
    });
  });

  describe('uniqueBy (deduplication)', () => {
    it('enqueues a second job with the same key not at all, and says which job holds the key', async () => {
      await worker?.close();
      worker = undefined as unknown as RunningWorker;
      const first = await IndexPostJob.performLater(7);
      const second = await IndexPostJob.performLater(7);
      const other = await IndexPostJob.performLater(8);
      expect(first.successfullyEnqueued).toBe(true);
      expect(second.successfullyEnqueued).toBe(false);
      expect(second.duplicateOf).toBe(first.jobId);
      expect(other.successfullyEnqueued).toBe(true);
      expect(await bull.adapter.queue('default').getWaitingCount()).toBe(2);
    });

    it('refuses a non-positive ttl at declaration', () => {
      expect(() => {
        class BadUnique extends Job {
          static {
            this.uniqueBy(() => 'k', { ttl: 0 });
          }
          perform() {}
        }
        return BadUnique;
      }).toThrow(JobOptionsError);
    });
  });

  describe('rateLimit', () => {
    it('turns class declarations into one BullMQ limiter per queue', () => {
      class MailJob extends Job {
        static {
          this.queueAs('mail');
          this.rateLimit({ to: 10, within: 60 });
        }
        perform() {}
      }
      expect(queueRateLimits([MailJob, StepJob])).toEqual({ mail: { max: 10, duration: 60_000 } });
    });

    it('stops at boot when two classes of one queue disagree', () => {
      class A extends Job {
        static {
          this.queueAs('mail');
          this.rateLimit({ to: 10, within: 60 });
        }
        perform() {}
      }
      class B extends Job {
        static {
          this.queueAs('mail');
          this.rateLimit({ to: 5, within: 1 });
        }
        perform() {}
      }
      expect(() => queueRateLimits([A, B])).toThrow('queue "mail" has two rate limits');
    });

    it('limits how many jobs start per window across the queue', async () => {
      class LimitedJob extends Job {
        static override jobName = `Features_LimitedJob_${target.kind}`; // one class per topology block
        static {
          this.queueAs('limited');
          this.rateLimit({ to: 2, within: 1 });
        }
        perform() {
          return Date.now();
        }
      }
      registerJobs([LimitedJob]);
      configureBacklot({ queues: ['default', 'limited'] });
      const limited = startWorker({
        queues: ['limited'],
        concurrency: 5,
        connection: redis.connection({ worker: true }),
        prefix: redis.prefix,
        layout: redis.layout,
        limiters: queueRateLimits([LimitedJob]),
      });
      try {
        const jobs = await Promise.all(Array.from({ length: 4 }, () => LimitedJob.performLater()));
        const limitedEvents = new QueueEvents('limited', {
          connection: redis.connection({ worker: true }),
          prefix: redis.queuePrefix('limited'),
        });
        await limitedEvents.waitUntilReady();
        const queue = bull.adapter.queue('limited');
        const starts: number[] = [];
        for (const job of jobs) {
          const bull = await queue.getJob(job.jobId);
          await bull?.waitUntilFinished(limitedEvents, 10_000).catch(() => undefined);
          const done = await queue.getJob(job.jobId);
          starts.push(done?.processedOn ?? 0);
        }
        await limitedEvents.close();
        starts.sort((x, y) => x - y);
        // 4 jobs at 2 per second: the third starts in a later window than the first.
        expect((starts[2] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(900);
      } finally {
        await limited.close();
      }
    });
  });
});
