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
 * commit); other adapters enqueue at once. Inside a transaction scope (outbox/scope.ts), a call
 * naming no transaction, or naming the scope's own, does the same steps at the call but buffers
 * the staged rows in the scope, which writes them in one statement when it ends. A staged job's text
 * must also suit PostgreSQL jsonb (outbox/storable-text.ts). Only this branch point knows about the outbox.
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
import { activeScope, scopeOf, type TransactionScope } from './outbox/scope';
import type { StagedJob } from './outbox/staged-job';
import { stageJobs } from './outbox/staging';
import { checkOutboxText } from './outbox/storable-text';
import { checkTransaction } from './outbox/transaction';

/** Where an enqueue goes: `transaction` set = staged in the caller's transaction. */
export interface EnqueueScope {
  /** A Prisma transaction client or a pg client inside BEGIN (outbox/transaction.ts). */
  transaction?: unknown;
  /** false: enqueue directly even inside a transaction scope (Batch.add). */
  ambient?: boolean;
}

type StagingAdapter = QueueAdapter & Required<Pick<QueueAdapter, 'stagedForm' | 'stagedFlowForm'>>;

/** A staged enqueue: the adapter's staged forms, and where the rows go (now, or the scope's buffer). */
interface Staging {
  adapter: StagingAdapter;
  stage(rows: readonly StagedJob[]): Promise<void>;
}

/**
 * How this enqueue is staged, or undefined (enqueue directly): into the open scope `ambient` (its
 * buffer, written when it ends), else in the transaction it names, at the call (one statement).
 */
function staging(
  adapter: QueueAdapter,
  scope: EnqueueScope,
  ambient: TransactionScope | undefined,
): Staging | undefined {
  const { transaction } = scope;
  if (transaction !== undefined) checkTransaction(transaction);
  else if (!ambient) return undefined;
  if (!adapter.stagedForm || !adapter.stagedFlowForm) return undefined;
  const stager = adapter as StagingAdapter;
  if (ambient) {
    return {
      adapter: stager,
      stage: (rows) => {
        ambient.buffer(rows);
        return Promise.resolve();
      },
    };
  }
  return { adapter: stager, stage: (rows) => stageJobs(transaction, rows) };
}

/**
 * The open transaction scope this enqueue joins: the one on the transaction it names, else the
 * innermost one around the call; none when it opts out (Batch.add).
 */
function ambientScope(scope: EnqueueScope): TransactionScope | undefined {
  if (scope.transaction !== undefined) return scopeOf(scope.transaction);
  return scope.ambient === false ? undefined : activeScope();
}

/** Runs one enqueue, kept in view of its scope (which ends only after it buffered its rows). */
function inScope<T>(
  scope: EnqueueScope,
  work: (ambient: TransactionScope | undefined) => Promise<T>,
): Promise<T> {
  const ambient = ambientScope(scope);
  return ambient ? ambient.track(work(ambient)) : work(undefined);
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
export function enqueueFlow(
  job: Job,
  dependencies: readonly Job[],
  policy: DependencyFailurePolicy,
  scope: EnqueueScope = {},
): Promise<void> {
  return inScope(scope, (ambient) => flow(job, dependencies, policy, scope, ambient));
}

async function flow(
  job: Job,
  dependencies: readonly Job[],
  policy: DependencyFailurePolicy,
  scope: EnqueueScope,
  ambient: TransactionScope | undefined,
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
  const staged = staging(adapter, scope, ambient);
  if (staged) {
    checkOutboxText(all);
    await staged.stage([staged.adapter.stagedFlowForm(job, dependencies, policy)]);
    enqueued(all, 'staged');
    return;
  }
  await adapter.enqueueFlow(job, dependencies, policy);
  enqueued(all, 'enqueued');
}

export function enqueueJob(job: Job, options: JobOptions, scope: EnqueueScope = {}): Promise<boolean> {
  return inScope(scope, (ambient) => enqueueOne(job, options, scope, ambient));
}

async function enqueueOne(
  job: Job,
  options: JobOptions,
  scope: EnqueueScope,
  ambient: TransactionScope | undefined,
): Promise<boolean> {
  applyJobOptions(job, options);
  prepare(job);
  const adapter = queueAdapter();
  const staged = staging(adapter, scope, ambient);
  if (staged) checkOutboxText([job]);
  const { callbacks } = settingsOf(job.constructor);
  const ran = await runCallbacks(
    job,
    callbacks.beforeEnqueue,
    callbacks.aroundEnqueue,
    callbacks.afterEnqueue,
    async () => {
      job.enqueuedAt = new Date();
      if (staged) await staged.stage([staged.adapter.stagedForm(job)]);
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
  else if (staged) status = 'staged';
  else status = job.duplicateOf !== undefined ? 'duplicate' : 'enqueued';
  emitJobEvent({ name: 'enqueue', job, status });
  return ran && job.successfullyEnqueued;
}

export function enqueueAll(jobs: readonly Job[], scope: EnqueueScope = {}): Promise<number> {
  return inScope(scope, (ambient) => enqueueMany(jobs, scope, ambient));
}

async function enqueueMany(
  jobs: readonly Job[],
  scope: EnqueueScope,
  ambient: TransactionScope | undefined,
): Promise<number> {
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
  const staged = staging(adapter, scope, ambient);
  if (staged) {
    checkOutboxText(jobs);
    await staged.stage(jobs.map((job) => staged.adapter.stagedForm(job)));
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
