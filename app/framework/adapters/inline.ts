/**
 * Inline adapter: performLater runs the job at once in the caller's process and awaits it.
 * Retries run straight away (no wait); an unhandled failure is thrown to the caller. Jobs for
 * later (set({ wait })) are refused, as Rails' inline adapter does.
 *
 * Example: configureBacklot({ adapter: new InlineAdapter() }); await MailJob.performLater(user)
 */
import { EnqueueAtNotSupportedError } from '../errors';
import { executeJob } from '../execution';
import type { Job } from '../job';
import type { QueueAdapter } from './adapter';

export class InlineAdapter implements QueueAdapter {
  readonly name = 'inline';

  async enqueue(job: Job): Promise<void> {
    const runnable = freshCopy(job);
    for (;;) {
      const outcome = await executeJob(runnable);
      if (outcome.status === 'retry') continue;
      if (outcome.status === 'failed') throw outcome.error;
      return;
    }
  }

  enqueueAt(job: Job): Promise<void> {
    return Promise.reject(
      new EnqueueAtNotSupportedError(
        `the inline adapter cannot run ${job.jobClassName} later: use the async or bullmq adapter for set({ wait })`,
      ),
    );
  }
}

/** A new instance of the job's class loaded from its payload, as a worker would see it. */
export function freshCopy(job: Job): Job {
  const Ctor = job.constructor as new () => Job;
  return new Ctor().loadPayload(job.serialize());
}
