/**
 * Enqueueing (Active Job's Enqueuing concern).
 *
 * Steps for one job: apply and validate options; serialize the arguments (a bad argument fails
 * here, naming its position and type); run before/around/after_enqueue callbacks around the
 * adapter's enqueue or enqueueAt; log one INFO line.
 * For many jobs (performAllLater): serialize all first, then hand them to the adapter's
 * enqueueAll (one round trip per queue for BullMQ); enqueue callbacks do not run, as in Rails.
 *
 * Example: await enqueueJob(ResizeJob.build(url, 640), { wait: 60 })
 */
import { runCallbacks } from './callbacks';
import { settingsOf } from './class-settings';
import { applyJobOptions, checkKnownQueue } from './configured-job';
import { JobOptionsError, SerializationError } from './errors';
import type { AnyJobClass, Job } from './job';
import type { JobOptions } from './job-options';
import { logDuplicate, logEnqueued, logEnqueueHalted } from './logging';
import { checkEnqueuedClass } from './registry';
import { serializeArguments } from './arguments';
import { queueAdapter } from './settings';
import { publishJobEnqueued } from './events/framework-events';

function prepare(job: Job): void {
  checkKnownQueue(job);
  checkEnqueuedClass(job.constructor as AnyJobClass);
  job.serializedArguments = serializeArguments(job.arguments);
}

export type DependencyFailurePolicy = 'fail' | 'run';

/** A job that runs after its dependencies (adapters that support flows: bullmq, test). */
export async function enqueueFlow(
  job: Job,
  dependencies: readonly Job[],
  policy: DependencyFailurePolicy,
): Promise<void> {
  if (policy !== 'fail' && policy !== 'run') {
    throw new JobOptionsError(`ifDependencyFails must be 'fail' or 'run' (got ${JSON.stringify(policy)})`);
  }
  const adapter = queueAdapter();
  if (!adapter.enqueueFlow)
    throw new JobOptionsError(`the ${adapter.name} adapter does not support job dependencies`);
  const all = [job, ...dependencies];
  for (const each of all) prepare(each);
  const now = new Date();
  for (const each of all) each.enqueuedAt = now;
  await adapter.enqueueFlow(job, dependencies, policy);
  for (const each of all) {
    each.successfullyEnqueued = true;
    logEnqueued(each);
    publishJobEnqueued(each);
  }
}

export async function enqueueJob(job: Job, options: JobOptions): Promise<boolean> {
  applyJobOptions(job, options);
  prepare(job);
  const adapter = queueAdapter();
  const { callbacks } = settingsOf(job.constructor);
  const ran = await runCallbacks(
    job,
    callbacks.beforeEnqueue,
    callbacks.aroundEnqueue,
    callbacks.afterEnqueue,
    async () => {
      job.enqueuedAt = new Date();
      if (job.scheduledAt && job.scheduledAt.getTime() > Date.now()) {
        await adapter.enqueueAt(job, job.scheduledAt.getTime());
      } else {
        await adapter.enqueue(job);
      }
      job.successfullyEnqueued = job.duplicateOf === undefined;
    },
  );
  if (!ran) logEnqueueHalted(job);
  else if (job.duplicateOf !== undefined) logDuplicate(job);
  else {
    logEnqueued(job);
    publishJobEnqueued(job);
  }
  return ran && job.successfullyEnqueued;
}

export async function enqueueAll(jobs: readonly Job[]): Promise<number> {
  jobs.forEach((job, index) => {
    try {
      prepare(job);
    } catch (error) {
      if (error instanceof Error) {
        const wrapped = new (error.constructor as typeof SerializationError)(
          `job ${index + 1} (${job.jobClassName}): ${error.message}`,
        );
        throw wrapped;
      }
      throw error;
    }
  });
  const adapter = queueAdapter();
  const now = new Date();
  for (const job of jobs) job.enqueuedAt = now;
  let count: number;
  if (adapter.enqueueAll) {
    count = await adapter.enqueueAll(jobs);
  } else {
    for (const job of jobs) {
      if (job.scheduledAt && job.scheduledAt.getTime() > Date.now())
        await adapter.enqueueAt(job, job.scheduledAt.getTime());
      else await adapter.enqueue(job);
    }
    count = jobs.length;
  }
  for (const job of jobs) {
    job.successfullyEnqueued = true;
    logEnqueued(job);
    publishJobEnqueued(job);
  }
  return count;
}
