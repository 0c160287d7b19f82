import { beforeEach, describe, expect, it } from 'vitest';
import {
  AssertionFailedError,
  configureBacklot,
  InlineAdapter,
  Job,
  type TestAdapter,
} from '../../../app/framework/index';
import {
  assertEnqueuedJobs,
  assertEnqueuedWith,
  assertNoEnqueuedJobs,
  enqueuedJobs,
  performEnqueuedJobs,
  useTestAdapter,
} from '../../../app/framework/testing/test-helper';

class FlakyError extends Error {
  override name = 'FlakyError';
}

const performed: string[] = [];
const runs = new Map<string, number>();

class NotifyJob extends Job {
  static override jobName = 'HelperTest_Notify';
  perform(userId: number, message: string) {
    performed.push(`notify ${userId}: ${message}`);
  }
}

class DigestJob extends Job {
  static override jobName = 'HelperTest_Digest';
  static {
    this.queueAs('mailers');
  }
  async perform(userIds: number[]) {
    performed.push(`digest ${userIds.join(',')}`);
    for (const id of userIds) await NotifyJob.performLater(id, 'digest ready');
  }
}

class FlakyJob extends Job {
  static override jobName = 'HelperTest_Flaky';
  static {
    this.retryOn(FlakyError, { attempts: 4, wait: 600 });
  }
  perform(key: string, failures: number) {
    const n = (runs.get(key) ?? 0) + 1;
    runs.set(key, n);
    if (n <= failures) throw new FlakyError(`run ${n}`);
    performed.push(`${key} ok after ${n}`);
  }
}

class LoopJob extends Job {
  static override jobName = 'HelperTest_Loop';
  async perform() {
    await LoopJob.performLater();
  }
}

describe('test helper', () => {
  let adapter: TestAdapter;

  beforeEach(() => {
    performed.length = 0;
    runs.clear();
    adapter = useTestAdapter();
    configureBacklot({ queues: [] });
  });

  describe('assertEnqueuedJobs', () => {
    it('passes when the count of (matching) enqueued jobs is right', async () => {
      assertEnqueuedJobs(0);
      await NotifyJob.performLater(1, 'hi');
      await DigestJob.performLater([1]);
      assertEnqueuedJobs(2);
      assertEnqueuedJobs(1, { job: NotifyJob });
      assertEnqueuedJobs(1, { queue: 'mailers' });
      assertEnqueuedJobs(0, { job: NotifyJob, queue: 'mailers' });
    });

    it('fails with the expected and found counts and what was enqueued', async () => {
      await NotifyJob.performLater(1, 'hi');
      expect(() => assertEnqueuedJobs(2)).toThrow(AssertionFailedError);
      expect(() => assertEnqueuedJobs(2)).toThrow(
        'expected 2 enqueued job(s), found 1; enqueued: HelperTest_Notify([1,"hi"]) on default',
      );
    });
  });

  describe('assertEnqueuedWith', () => {
    it('finds a job by class, arguments, queue and time, and returns it', async () => {
      const at = new Date(Date.now() + 3_600_000);
      await NotifyJob.performLater(1, 'now');
      const job = await NotifyJob.set({ waitUntil: at, queue: 'low', priority: 2 }).performLater(2, 'later');
      const found = assertEnqueuedWith({ job: NotifyJob, args: [2, 'later'], queue: 'low', at, priority: 2 });
      expect(found.job).toBe(job);
      expect(assertEnqueuedWith({ job: NotifyJob, at: at.getTime() }).job).toBe(job);
      expect(enqueuedJobs({ job: NotifyJob })).toHaveLength(2);
    });

    it('compares arguments deeply, with their types', async () => {
      await NotifyJob.performLater(1, 'hi');
      assertEnqueuedWith({ args: [1, 'hi'] });
      expect(() => assertEnqueuedWith({ args: ['1', 'hi'] })).toThrow(AssertionFailedError);
    });

    it('fails naming what was wanted and what was enqueued', async () => {
      await NotifyJob.performLater(1, 'hi');
      let message = '';
      try {
        assertEnqueuedWith({ job: NotifyJob, args: [2, 'hi'], queue: 'default' });
      } catch (error) {
        expect(error).toBeInstanceOf(AssertionFailedError);
        message = (error as Error).message;
      }
      expect(message).toContain(
        'no enqueued job matches {"job":"HelperTest_Notify","args":[2,"hi"],"queue":"default"}',
      );
      expect(message).toContain('enqueued: HelperTest_Notify([1,"hi"]) on default');
    });

    it('fails with "no jobs were enqueued" when nothing was', () => {
      expect(() => assertEnqueuedWith({ job: DigestJob })).toThrow('no jobs were enqueued');
    });
  });

  describe('assertNoEnqueuedJobs', () => {
    it('passes when no (matching) job is enqueued', async () => {
      assertNoEnqueuedJobs();
      await NotifyJob.performLater(1, 'hi');
      assertNoEnqueuedJobs({ job: DigestJob });
    });

    it('fails listing the enqueued jobs', async () => {
      await DigestJob.performLater([4, 5]);
      expect(() => assertNoEnqueuedJobs()).toThrow(
        'expected 0 enqueued job(s), found 1; enqueued: HelperTest_Digest([[4,5]]) on mailers',
      );
    });
  });

  it('refuses to run without the test adapter', () => {
    configureBacklot({ adapter: new InlineAdapter() });
    expect(() => assertNoEnqueuedJobs()).toThrow(
      'the test helpers need the test adapter: call useTestAdapter() first',
    );
  });

  describe('performEnqueuedJobs', () => {
    it('performs every enqueued job and the jobs those jobs enqueue, resolving the executions', async () => {
      await DigestJob.performLater([1, 2]);
      expect(await performEnqueuedJobs()).toBe(3);
      expect(performed).toEqual(['digest 1,2', 'notify 1: digest ready', 'notify 2: digest ready']);
      assertNoEnqueuedJobs();
      expect(adapter.performed.map((e) => e.jobClass)).toEqual([
        'HelperTest_Digest',
        'HelperTest_Notify',
        'HelperTest_Notify',
      ]);
    });

    it('performs retries without waiting for their delay', async () => {
      await FlakyJob.performLater('flaky', 2);
      expect(await performEnqueuedJobs()).toBe(3);
      expect(performed).toEqual(['flaky ok after 3']);
    });

    it('throws the error of a job that fails for good', async () => {
      await FlakyJob.performLater('hopeless', 99);
      await expect(performEnqueuedJobs()).rejects.toThrow(new FlakyError('run 4'));
      expect(runs.get('hopeless')).toBe(4);
    });

    it('with a block, performs only the jobs the block enqueues', async () => {
      await NotifyJob.performLater(1, 'before the block');
      const count = await performEnqueuedJobs(async () => {
        await NotifyJob.performLater(2, 'in the block');
      });
      expect(count).toBe(1);
      expect(performed).toEqual(['notify 2: in the block']);
      assertEnqueuedJobs(1);
      assertEnqueuedWith({ job: NotifyJob, args: [1, 'before the block'] });
    });

    it('stops a job that keeps enqueueing itself at the limit', async () => {
      await LoopJob.performLater();
      await expect(performEnqueuedJobs(undefined, 10)).rejects.toThrow(
        'performEnqueuedJobs stopped after 10 executions (a job loop?)',
      );
    });
  });
});
