import { beforeEach, describe, expect, it } from 'vitest';
import { configureBacklot, Job, TestAdapter } from '../../../app/framework/index';

let performedCount = 0;

class MailJob extends Job {
  static override jobName = 'TestAdapterTest_Mail';
  static {
    this.queueAs('mailers');
    this.queueWithPriority(3);
  }
  perform(to: string, options: { copies: number }) {
    performedCount += options.copies;
    return to;
  }
}

describe('TestAdapter', () => {
  let adapter: TestAdapter;

  beforeEach(() => {
    performedCount = 0;
    adapter = new TestAdapter();
    configureBacklot({ adapter, queues: [] });
  });

  it('records class, arguments, queue and priority instead of running the job', async () => {
    const job = await MailJob.performLater('ada@example.com', { copies: 2 });
    expect(performedCount).toBe(0);
    expect(adapter.enqueued).toEqual([
      {
        job,
        jobClass: 'TestAdapterTest_Mail',
        arguments: ['ada@example.com', { copies: 2 }],
        queue: 'mailers',
        priority: 3,
        at: undefined,
      },
    ]);
    expect(job.providerJobId).toBe(job.jobId);
    expect(job.serializedArguments).toEqual(['ada@example.com', { copies: 2 }]);
  });

  it('records the scheduled time of a job for later, and set() options', async () => {
    const at = new Date(Date.now() + 86_400_000);
    await MailJob.set({ waitUntil: at, queue: 'low', priority: 10 }).performLater('bob@example.com', {
      copies: 1,
    });
    expect(adapter.enqueued[0]).toMatchObject({ queue: 'low', priority: 10, at: at.getTime() });
  });

  it('keeps jobs in enqueue order and forgets them on clear()', async () => {
    await MailJob.performLater('a', { copies: 1 });
    await MailJob.performLater('b', { copies: 1 });
    expect(adapter.enqueued.map((e) => e.arguments[0])).toEqual(['a', 'b']);
    adapter.clear();
    expect(adapter.enqueued).toEqual([]);
    expect(adapter.performed).toEqual([]);
  });

  it('records every job of performAllLater', async () => {
    const jobs = [
      MailJob.build('a', { copies: 1 }),
      MailJob.set({ queue: 'bulk' }).build('b', { copies: 1 }),
    ];
    expect(await Job.performAllLater(jobs)).toBe(2);
    expect(adapter.enqueued.map((e) => [e.arguments[0], e.queue])).toEqual([
      ['a', 'mailers'],
      ['b', 'bulk'],
    ]);
    expect(jobs.every((j) => j.successfullyEnqueued)).toBe(true);
  });
});
