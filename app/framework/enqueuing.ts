/**
 * Enqueueing (Active Job's Enqueuing concern).
 *
 * Steps for one job: apply and validate options; serialize the arguments (a bad argument fails
 * here, naming its position and type); run before/around/after_enqueue callbacks around the
 * adapter's enqueue or enqueueAt; report the enqueue once (instrumentation.ts: the INFO line and
 * the bus event are its subscribers).
 * For many jobs (performAllLater): serialize all first, then hand them to the adapter's
 * enqueueAll (one round trip per queue for BullMQ); enqueue callbacks do not run, as in Rails.
 *
 * In a transaction (Job.inTransaction(tx), performAllLater(jobs, { transaction }), enqueueAfter
 * with { transaction }): the same steps, but an adapter with a staged form (bullmq) gets the jobs
 * written to the outbox in that transaction instead (outbox/staging.ts; the relay adds them after
 * commit); other adapters enqueue at once. Only this branch point knows about the outbox.
 *
 * Example: await enqueueJob(ResizeJob.build(url, 640), { wait: 60 })
 */
import { runCallbacks } from './callbacks';
import { settingsOf } from './class-settings';
import { applyJobOptions, checkKnownQueue } from './configured-job';
import { JobOptionsError, SerializationError } from './errors';
import type { AnyJobClass, Job } from './job';
import type { JobOptions } from './job-options';
import { emitJobEvent, type EnqueueStatus } from './instrumentation';
import { checkEnqueuedClass } from './registry';
import { serializeArguments } from './arguments';
import { queueAdapter } from './settings';
import type { QueueAdapter } from './adapters/adapter';
import { stageJobs } from './outbox/staging';
import { checkTransaction } from './outbox/transaction';

/** Where an enqueue goes: `transaction` set = staged in the caller's transaction. */
export interface EnqueueScope {
  /** A Prisma transaction client or a pg client inside BEGIN (outbox/transaction.ts). */
  transaction?: unknown;
}

type StagingAdapter = QueueAdapter & Required<Pick<QueueAdapter, 'stagedForm' | 'stagedFlowForm'>>;

/** The adapter when this enqueue is staged in a transaction, else undefined (enqueue directly). */
function stagingAdapter(adapter: QueueAdapter, scope: EnqueueScope): StagingAdapter | undefined {
  if (scope.transaction === undefined) return undefined;
  checkTransaction(scope.transaction);
  return adapter.stagedForm && adapter.stagedFlowForm ? (adapter as StagingAdapter) : undefined;
}

/** Marks the jobs handed over (enqueued or staged) and reports each enqueue once. */
function enqueued(jobs: readonly Job[], status: EnqueueStatus): void {
  for (const job of jobs) {
    job.successfullyEnqueued = true;
    emitJobEvent({ name: 'enqueue', job, status });
  }
}

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
  scope: EnqueueScope = {},
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
  const staging = stagingAdapter(adapter, scope);
  if (staging) {
    await stageJobs(scope.transaction, [staging.stagedFlowForm(job, dependencies, policy)]);
    enqueued(all, 'staged');
    return;
  }
  await adapter.enqueueFlow(job, dependencies, policy);
  enqueued(all, 'enqueued');
}

export async function enqueueJob(job: Job, options: JobOptions, scope: EnqueueScope = {}): Promise<boolean> {
  applyJobOptions(job, options);
  prepare(job);
  const adapter = queueAdapter();
  const staging = stagingAdapter(adapter, scope);
  const { callbacks } = settingsOf(job.constructor);
  const ran = await runCallbacks(
    job,
    callbacks.beforeEnqueue,
    callbacks.aroundEnqueue,
    callbacks.afterEnqueue,
    async () => {
      job.enqueuedAt = new Date();
      if (staging) await stageJobs(scope.transaction, [staging.stagedForm(job)]);
      else if (job.scheduledAt && job.scheduledAt.getTime() > Date.now()) {
        await adapter.enqueueAt(job, job.scheduledAt.getTime());
      } else {
        await adapter.enqueue(job);
      }
      job.successfullyEnqueued = job.duplicateOf === undefined;
    },
  );
  let status: EnqueueStatus;
  if (!ran) status = 'halted';
  else if (staging) status = 'staged';
  else status = job.duplicateOf !== undefined ? 'duplicate' : 'enqueued';
  emitJobEvent({ name: 'enqueue', job, status });
  return ran && job.successfullyEnqueued;
}

export async function enqueueAll(jobs: readonly Job[], scope: EnqueueScope = {}): Promise<number> {
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
  const staging = stagingAdapter(adapter, scope);
  if (staging) {
    await stageJobs(
      scope.transaction,
      jobs.map((job) => staging.stagedForm(job)),
    );
    enqueued(jobs, 'staged');
    return jobs.length;
  }
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
  enqueued(jobs, 'enqueued');
  return count;
}
