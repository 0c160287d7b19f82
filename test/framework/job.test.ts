import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  configureBacklot,
  ConfiguredJob,
  Job,
  JobOptionsError,
  SerializationError,
  type JobOptions,
  type PerformArgs,
  type TestAdapter,
} from '../../app/framework/index';
import { useTestAdapter } from '../../app/framework/testing/test-helper';

class ResizeJob extends Job {
  static override jobName = 'JobTest_Resize';
  perform(url: string, width: number): number {
    return width * 2;
  }
}

class GreetJob extends Job {
  static override jobName = 'JobTest_Greet';
  perform(name: string, punctuation?: string): string {
    return `hello ${name}${punctuation ?? ''}`;
  }
}

abstract class ImagesJob extends Job {
  static {
    this.queueAs('images');
    this.queueWithPriority(5);
  }
}

class ThumbnailJob extends ImagesJob {
  static override jobName = 'JobTest_Thumbnail';
  perform(id: number) {
    return id;
  }
}

class UrgentThumbnailJob extends ImagesJob {
  static override jobName = 'JobTest_UrgentThumbnail';
  static {
    this.queueAs('urgent_images');
    this.queueWithPriority(1);
  }
  perform(id: number) {
    return id;
  }
}

class PerQueueJob extends Job {
  static override jobName = 'JobTest_PerQueue';
  static {
    this.queueAs((job: PerQueueJob) => `tenant_${String(job.arguments[0])}`);
  }
  perform(tenant: string) {
    return tenant;
  }
}

class FailingJob extends Job {
  static override jobName = 'JobTest_Failing';
  perform(): never {
    throw new TypeError('perform broke');
  }
}

/**
 * Compile-time specification: tsc --noEmit checks these lines; the function never runs.
 * Each @ts-expect-error fails the type check if the line below it starts to compile.
 */
export function performLaterTyping(): void {
  expectTypeOf<PerformArgs<ResizeJob>>().toEqualTypeOf<[url: string, width: number]>();
  expectTypeOf(ResizeJob.performLater('https://example.com/a.png', 640)).resolves.toEqualTypeOf<ResizeJob>();
  expectTypeOf(ResizeJob.performNow('https://example.com/a.png', 640)).resolves.toEqualTypeOf<
    number | undefined
  >();
  expectTypeOf(ResizeJob.set({ wait: 5 })).toEqualTypeOf<ConfiguredJob<ResizeJob>>();
  expectTypeOf(GreetJob.performLater('ada')).resolves.toEqualTypeOf<GreetJob>();
  expectTypeOf(GreetJob.performLater('ada', '!')).resolves.toEqualTypeOf<GreetJob>();

  // @ts-expect-error wrong argument type
  void ResizeJob.performLater(1, 'x');
  // @ts-expect-error missing argument
  void ResizeJob.performLater('https://example.com/a.png');
  // @ts-expect-error extra argument
  void ResizeJob.performLater('https://example.com/a.png', 640, true);
  // @ts-expect-error wrong argument type through set()
  void ResizeJob.set({ queue: 'low' }).performLater('https://example.com/a.png', '640');
  // @ts-expect-error wrong argument type for performNow
  void ResizeJob.performNow(640, 'https://example.com/a.png');
  // @ts-expect-error an abstract job class cannot be enqueued
  void ImagesJob.performLater();
  // @ts-expect-error unknown option
  void ResizeJob.set({ delay: 5 });
}

describe('Job', () => {
  let adapter: TestAdapter;

  beforeEach(() => {
    adapter = useTestAdapter();
    configureBacklot({ queues: [] });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe('performLater', () => {
    it('hands the job to the adapter with its arguments and resolves the enqueued instance', async () => {
      const job = await ResizeJob.performLater('https://example.com/a.png', 640);
      expect(job).toBeInstanceOf(ResizeJob);
      expect(job.successfullyEnqueued).toBe(true);
      expect(job.providerJobId).toBe(job.jobId);
      expect(adapter.enqueued).toHaveLength(1);
      expect(adapter.enqueued[0]).toMatchObject({
        jobClass: 'JobTest_Resize',
        arguments: ['https://example.com/a.png', 640],
        queue: 'default',
        priority: undefined,
        at: undefined,
      });
    });

    it('fails for an argument that cannot be serialized, and nothing is recorded', async () => {
      const enqueuing = GreetJob.performLater('ada', (() => '!') as unknown as string);
      await expect(enqueuing).rejects.toBeInstanceOf(SerializationError);
      await expect(enqueuing).rejects.toThrow('argument 2 is a function');
      expect(adapter.enqueued).toEqual([]);
    });
  });

  describe('performNow', () => {
    it('runs perform in this process and resolves its result, without enqueueing', async () => {
      expect(await ResizeJob.performNow('https://example.com/a.png', 21)).toBe(42);
      expect(await GreetJob.set({ queue: 'x' }).performNow('bob', '?')).toBe('hello bob?');
      expect(adapter.enqueued).toEqual([]);
    });

    it('throws an error no handler claims', async () => {
      await expect(FailingJob.performNow()).rejects.toThrow(new TypeError('perform broke'));
    });
  });

  describe('queueAs and queueWithPriority', () => {
    it('apply to the subclasses of the declaring class', async () => {
      await ThumbnailJob.performLater(1);
      expect(adapter.enqueued[0]).toMatchObject({
        jobClass: 'JobTest_Thumbnail',
        queue: 'images',
        priority: 5,
      });
    });

    it('can be overridden by a subclass without changing its parent or siblings', async () => {
      await UrgentThumbnailJob.performLater(2);
      await ThumbnailJob.performLater(3);
      await ResizeJob.performLater('u', 1);
      expect(adapter.enqueued.map((e) => [e.jobClass, e.queue, e.priority])).toEqual([
        ['JobTest_UrgentThumbnail', 'urgent_images', 1],
        ['JobTest_Thumbnail', 'images', 5],
        ['JobTest_Resize', 'default', undefined],
      ]);
    });

    it('accepts a function of the job for the queue name', async () => {
      await PerQueueJob.performLater('acme');
      expect(adapter.enqueued[0]?.queue).toBe('tenant_acme');
    });

    it('refuses a uniqueBy key or a callback that is no function at declaration', () => {
      class BadJob extends Job {
        perform() {}
      }
      const notAFunction = 'id' as unknown as () => string;
      expect(() => BadJob.uniqueBy(notAFunction)).toThrow('uniqueBy key must be a function of the arguments');
      expect(() => BadJob.beforePerform(undefined as unknown as () => void)).toThrow(
        'beforePerform takes a function, got undefined',
      );
      expect(() => BadJob.afterDiscard('log' as unknown as () => void)).toThrow(
        'afterDiscard takes a function, got string',
      );
      expect(() => BadJob.aroundEnqueue(null as unknown as () => Promise<void>)).toThrow(JobOptionsError);
    });

    it('refuses an invalid queue name or priority at declaration', () => {
      class BadJob extends Job {
        perform() {}
      }
      expect(() => BadJob.queueAs('no spaces')).toThrow(JobOptionsError);
      expect(() => BadJob.queueAs('no spaces')).toThrow(/queue must be/);
      expect(() => BadJob.queueWithPriority(-1)).toThrow(/priority must be/);
    });
  });

  describe('set', () => {
    it('applies wait as a time from now', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00Z') });
      const job = await ResizeJob.set({ wait: 90 }).performLater('u', 1);
      const expected = new Date('2030-01-01T00:01:30Z');
      expect(job.scheduledAt).toEqual(expected);
      expect(adapter.enqueued[0]?.at).toBe(expected.getTime());
    });

    it('applies waitUntil as a Date or milliseconds since the epoch', async () => {
      const at = new Date(Date.now() + 3_600_000);
      await ResizeJob.set({ waitUntil: at }).performLater('u', 1);
      await ResizeJob.set({ waitUntil: at.getTime() + 1 }).performLater('u', 2);
      expect(adapter.enqueued.map((e) => e.at)).toEqual([at.getTime(), at.getTime() + 1]);
    });

    it('runs a job at once when wait is 0 or waitUntil has passed', async () => {
      await ResizeJob.set({ wait: 0 }).performLater('u', 1);
      await ResizeJob.set({ waitUntil: new Date(0) }).performLater('u', 2);
      expect(adapter.enqueued.map((e) => e.at)).toEqual([undefined, undefined]);
    });

    it('overrides the class queue and priority for one enqueue', async () => {
      await ThumbnailJob.set({ queue: 'low', priority: 9 }).performLater(4);
      await ThumbnailJob.performLater(5);
      expect(adapter.enqueued.map((e) => [e.queue, e.priority])).toEqual([
        ['low', 9],
        ['images', 5],
      ]);
    });

    it('refuses options that are not an object at a chained set() call', () => {
      expect(() => ResizeJob.set({ queue: 'low' }).set(null as unknown as JobOptions)).toThrow(
        'job options must be an object such as { wait: 60 } (got null)',
      );
    });

    it('merges options given by chained set() calls', async () => {
      const at = new Date(Date.now() + 60_000);
      await ResizeJob.set({ queue: 'low' }).set({ priority: 3, waitUntil: at }).performLater('u', 1);
      expect(adapter.enqueued[0]).toMatchObject({ queue: 'low', priority: 3, at: at.getTime() });
    });

    it.each([
      [{ wait: -1 }, /wait must be a number of seconds >= 0/],
      [{ wait: Number.NaN }, /wait must be/],
      [{ wait: 5, waitUntil: new Date() }, /either wait or waitUntil/],
      [{ waitUntil: new Date('nope') }, /waitUntil must be a valid Date/],
      [{ queue: 'bad queue!' }, /queue must be a name/],
      [{ queue: '' }, /queue must be a name/],
      [{ priority: -1 }, /priority must be a whole number/],
      [{ priority: 2_097_153 }, /priority must be a whole number/],
      [{ priority: 1.5 }, /priority must be a whole number/],
      [{ wait: 1e15 }, /wait must be a number of seconds a Date can reach \(got 1000000000000000\)/],
      [{ delay: 5000 }, /unknown job option "delay" \(options: wait, waitUntil, queue, priority, jobId/],
      [{ attempts: 0, wait: 5 }, /unknown job option "attempts" .*attempts come from retryOn/],
      [null, /job options must be an object such as \{ wait: 60 \} \(got null\)/],
    ])('rejects %o with a JobOptionsError naming the option', async (options, message) => {
      const enqueuing = ResizeJob.set(options as JobOptions).performLater('u', 1);
      await expect(enqueuing).rejects.toBeInstanceOf(JobOptionsError);
      await expect(enqueuing).rejects.toThrow(message);
      expect(adapter.enqueued).toEqual([]);
    });
  });

  describe('performAllLater and enqueueAfter', () => {
    it.each([
      ['an undefined entry', [undefined], 'performAllLater takes built jobs: entry 1 is undefined'],
      [
        'the class instead of a built job',
        [ResizeJob],
        'performAllLater takes built jobs: entry 1 is the class ResizeJob (build one: ResizeJob.build(...))',
      ],
      ['no array', 'jobs', 'performAllLater takes an array of built jobs, e.g. [ReportJob.build(day)]'],
    ])(
      'performAllLater refuses %s with a JobOptionsError, enqueueing nothing',
      async (_what, jobs, message) => {
        const enqueuing = Job.performAllLater(jobs as unknown as Job[]);
        await expect(enqueuing).rejects.toBeInstanceOf(JobOptionsError);
        await expect(enqueuing).rejects.toThrow(message);
        expect(adapter.enqueued).toEqual([]);
      },
    );

    it('enqueueAfter refuses an entry that is no built job, the job itself, and a misspelt option', async () => {
      const job = ResizeJob.build('u', 1);
      await expect(job.enqueueAfter([undefined as unknown as Job])).rejects.toThrow(
        'enqueueAfter takes built jobs: entry 1 is undefined',
      );
      await expect(job.enqueueAfter([job])).rejects.toThrow('enqueueAfter: a job cannot depend on itself');
      const typo = { ifDependencyFail: 'run' } as unknown as { ifDependencyFails: 'run' };
      await expect(job.enqueueAfter([ResizeJob.build('v', 2)], typo)).rejects.toThrow(
        'enqueueAfter has no option "ifDependencyFail" (options: ifDependencyFails, transaction)',
      );
      expect(adapter.enqueued).toEqual([]);
    });
  });

  describe('configured queues', () => {
    it('refuses at enqueue a queue that is not configured, listing the configured ones', async () => {
      configureBacklot({ queues: ['default', 'x'] });
      await ResizeJob.set({ queue: 'x' }).performLater('u', 1);
      const enqueuing = ResizeJob.set({ queue: 'y' }).performLater('u', 2);
      await expect(enqueuing).rejects.toBeInstanceOf(JobOptionsError);
      await expect(enqueuing).rejects.toThrow('unknown queue "y" (configured queues: default, x)');
      await expect(ThumbnailJob.performLater(1)).rejects.toThrow('unknown queue "images"');
      expect(adapter.enqueued.map((e) => e.queue)).toEqual(['x']);
    });
  });
});
