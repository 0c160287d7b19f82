/**
 * What Job.set(options) returns: the job class bound to options for one enqueue (Active Job's
 * ConfiguredJob). Options are validated when the job is built, so a bad option fails at the call.
 *
 * With a transaction (Job.inTransaction(tx), or .inTransaction(tx) here) the enqueue is staged
 * in the outbox inside that transaction (enqueuing.ts): a rollback means the job never exists.
 *
 * Example: await ResizeJob.set({ wait: 300, priority: 1 }).performLater(url, 640)
 *          await PruneJobsJob.set({ jobId: 'cron.prune_jobs.20250101T000000Z' }).performLater()
 *          await prisma.$transaction(async (tx) => { ...; await ResizeJob.inTransaction(tx).set({ wait: 60 }).performLater(url, 640) })
 */
import type { Job, JobClass, PerformArgs, PerformResult } from './job';
import type { EnqueueScope } from './enqueuing';
import { performNow } from './execution';
import { checkTransaction } from './outbox/transaction';
import {
  checkOptionNames,
  scheduledTime,
  validateJobId,
  validatePriority,
  validateQueueName,
  type JobOptions,
} from './job-options';
import { backlotSettings } from './settings';

export class ConfiguredJob<J extends Job> {
  constructor(
    private readonly jobClass: JobClass<J>,
    private readonly options: JobOptions,
    private readonly scope: EnqueueScope = {},
  ) {}

  /** A job instance with the options applied, for performAllLater. */
  build(...args: PerformArgs<J>): J {
    const job = (this.jobClass as unknown as { build(...a: unknown[]): J }).build(...args);
    applyJobOptions(job, this.options);
    return job;
  }

  async performLater(...args: PerformArgs<J>): Promise<J> {
    const job = this.build(...args);
    await job.enqueue({}, this.scope);
    return job;
  }

  /** The same, staged in the outbox inside `transaction` (see outbox/transaction.ts). */
  inTransaction(transaction: unknown): ConfiguredJob<J> {
    checkTransaction(transaction);
    return new ConfiguredJob(this.jobClass, this.options, { transaction });
  }

  performNow(...args: PerformArgs<J>): Promise<PerformResult<J> | undefined> {
    return performNow(this.build(...args)) as Promise<PerformResult<J> | undefined>;
  }

  set(more: JobOptions): ConfiguredJob<J> {
    checkOptionNames(more);
    return new ConfiguredJob(this.jobClass, { ...this.options, ...more }, this.scope);
  }
}

/** Applies set()/enqueue() options to a job instance, validating each. */
export function applyJobOptions(job: Job, options: JobOptions): void {
  checkOptionNames(options);
  const at = scheduledTime(options);
  if (at) job.scheduledAt = at;
  if (options.queue !== undefined) job.queueName = validateQueueName(options.queue);
  if (options.priority !== undefined) job.priority = validatePriority(options.priority);
  if (options.jobId !== undefined) job.jobId = validateJobId(options.jobId);
}

/** Checks the job's queue against the configured list (when one is configured). */
export function checkKnownQueue(job: Job): void {
  validateQueueName(job.queueName, backlotSettings().queues);
}
