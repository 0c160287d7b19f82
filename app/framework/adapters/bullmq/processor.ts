/**
 * The BullMQ processor: turns a BullMQ job into a Backlot execution and its Outcome back into
 * BullMQ terms.
 *
 * Steps: check what is stored (data that is not JSON -> "malformed job data: ...", a payload not
 * of JobPayload's shape -> "malformed payload: ..."); look up the class (unknown name ->
 * "unknown job class X"): each an UnrecoverableError, so the job lands in the failed set with
 * the reason and the worker keeps running; load the payload; execute; then
 *   completed -> return value; discarded/halted -> { discarded | halted } return value;
 *   retry -> store the per-handler execution counts, throw the error marked with its delay
 *            (backlotBackoff reads it: a real BullMQ attempt, delayed, visible in Bull Board);
 *   failed -> throw the error unmarked (backoff -1: straight to the failed set, stack kept);
 *   canceled -> UnrecoverableError with the cancel reason (failed, never retried);
 *   interrupted (shutdown deadline) -> moved back to waiting for another worker;
 *   lock-lost (another worker may hold the job) -> WaitingError: BullMQ leaves the job alone,
 *            reporting nothing for this run (the stall check hands it out again).
 *
 * Example: new Worker(queue, createProcessor(), { settings: { backoffStrategy: backlotBackoff } })
 */
import { UnrecoverableError, WaitingError, type Job as BullJob } from 'bullmq';
import { recordBatchOutcome } from '../../batches/outcome';
import { settingsOf } from '../../class-settings';
import type { ConcurrencyGate } from '../../concurrency/gate';
import type { ConcurrencyLimit } from '../../concurrency/limit';
import type { ContinuationState } from '../../continuation';
import { UnknownJobClassError } from '../../errors';
import { executeJob, type Outcome } from '../../execution';
import type { ExecutionContext, Job, JobPayload } from '../../job';
import { payloadProblem } from '../../job-payload';
import { logUnknownJob, logUnrunnableJob } from '../../logging';
import { lookupJob } from '../../registry';
import { malformedDataOf } from './stored-job';

const RETRY_DELAY: unique symbol = Symbol('backlot.retryDelay');

type MarkedError = Error & { [RETRY_DELAY]?: number };

/** BullMQ backoff strategy: the delay retryOn chose, or -1 (do not retry) for a final failure. */
export function backlotBackoff(_attemptsMade: number, _type?: string, error?: MarkedError): number {
  const delay = error?.[RETRY_DELAY];
  return typeof delay === 'number' ? delay : -1;
}

/** What a running job asks of BullMQ: one small object per job, no closures. */
class BullmqContext implements ExecutionContext {
  constructor(private readonly bullJob: BullJob) {}

  progress(value: number | object): Promise<void> {
    return this.bullJob.updateProgress(value);
  }

  /** The steps' state goes into the stored data, which a rerun (stalled, retried, handed back) reads. */
  saveContinuation(continuation: ContinuationState): Promise<void> {
    return this.bullJob.updateData({ ...(this.bullJob.data as JobPayload), continuation });
  }

  async dependencyResults(): Promise<Record<string, unknown>> {
    const values = await this.bullJob.getChildrenValues();
    return Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key.split(':').slice(-2).join(':'), value]),
    );
  }
}

export interface ProcessorHooks {
  /** Called with the job instance before it runs and after it ends (worker bookkeeping). */
  onStart?(job: Job, bullJob: BullJob): void;
  onEnd?(job: Job, bullJob: BullJob): void;
  /** Concurrency keys (limitsConcurrency): a slot is taken before the job runs, freed after. */
  concurrency?: ConcurrencyGate;
}

/** Fails a job for good with `reason`, logged at ERROR whatever else the log level hides. */
function unrunnable(bullJob: BullJob, reason: string): UnrecoverableError {
  logUnrunnableJob(String(bullJob.id), bullJob.queueName, bullJob.name, reason);
  return new UnrecoverableError(reason);
}

/**
 * The Backlot job for a BullMQ job; data that is not JSON, a payload of the wrong shape and an
 * unknown class fail it for good, each saying so.
 */
function loadJob(bullJob: BullJob): Job {
  const malformed = malformedDataOf(bullJob);
  if (malformed) throw unrunnable(bullJob, malformed);
  const problem = payloadProblem(bullJob.data);
  if (problem) throw unrunnable(bullJob, `malformed payload: ${problem}`);
  const payload = bullJob.data as JobPayload;
  let cls;
  try {
    cls = lookupJob(payload.jobClass);
  } catch (error) {
    if (!(error instanceof UnknownJobClassError)) throw error;
    logUnknownJob(error.jobClass, String(bullJob.id), bullJob.queueName);
    throw new UnrecoverableError(error.message);
  }
  const job = new (cls as unknown as new () => Job)().loadPayload(payload);
  job.executions = bullJob.attemptsMade;
  job.providerJobId = bullJob.id;
  job.parentJobId = bullJob.parent?.id;
  job.context = new BullmqContext(bullJob);
  return job;
}

function concurrencyLimitOf(job: Job): ConcurrencyLimit | undefined {
  return settingsOf(job.constructor).concurrency;
}

/** Every outcome but 'completed', in BullMQ terms (a return value, or a thrown error BullMQ acts on). */
async function settle(
  outcome: Exclude<Outcome, { status: 'completed' }>,
  job: Job,
  bullJob: BullJob,
  token: string | undefined,
): Promise<unknown> {
  switch (outcome.status) {
    case 'halted':
      return { halted: true };
    case 'discarded':
      return { discarded: `${outcome.error.name}: ${outcome.error.message}` };
    case 'retry':
      await bullJob.updateData({
        ...(bullJob.data as JobPayload),
        exceptionExecutions: job.exceptionExecutions,
      });
      (outcome.error as MarkedError)[RETRY_DELAY] = outcome.delayMs;
      throw outcome.error;
    case 'canceled':
      throw new UnrecoverableError(outcome.error.message);
    case 'interrupted':
      // Shutdown past the grace period: back to waiting for another worker, attempt not spent.
      await bullJob.moveToWait(token);
      throw new WaitingError();
    case 'failed':
      delete (outcome.error as MarkedError)[RETRY_DELAY];
      throw outcome.error;
    case 'lock-lost':
      // Not ours any more: completing or failing it would fail on the lock (or, worse, race the
      // run that now holds it). WaitingError makes BullMQ skip both and fetch the next job.
      throw new WaitingError();
  }
}

export function createProcessor(hooks: ProcessorHooks = {}) {
  /** Runs the job and answers BullMQ; a completed job costs one promise here (see execution.ts). */
  const run = (job: Job, bullJob: BullJob, token: string | undefined): Promise<unknown> => {
    hooks.onStart?.(job, bullJob);
    const executed = executeJob(job);
    // Batch counting is awaited here, not an onJobEvent listener (those are synchronous): the count
    // must land before the queue marks the job finished, so a crash in between reruns it.
    const counted =
      job.batchId === undefined
        ? executed
        : executed.then((outcome) => recordBatchOutcome(job, outcome).then(() => outcome));
    return counted.then(
      (outcome) => {
        if (outcome.status === 'completed') {
          hooks.onEnd?.(job, bullJob);
          return outcome.result;
        }
        return settle(outcome, job, bullJob, token).finally(() => hooks.onEnd?.(job, bullJob));
      },
      (error: unknown) => {
        hooks.onEnd?.(job, bullJob);
        throw error;
      },
    );
  };
  /** A job with a concurrency key: runs once it holds a slot, and frees it whatever the outcome. */
  const limited = async (job: Job, bullJob: BullJob, token: string | undefined, limit: ConcurrencyLimit) => {
    const gate = hooks.concurrency as ConcurrencyGate;
    const key = job.concurrencyKey as string;
    if (!(await gate.enter(bullJob, token, limit, key))) {
      const discarded = `concurrency limit of ${key} reached`;
      // A batch job dropped by onConflict 'discard' never reaches executeJob: counted here.
      if (job.batchId !== undefined)
        await recordBatchOutcome(job, { status: 'discarded', error: new Error(discarded) });
      return { discarded };
    }
    try {
      return await run(job, bullJob, token);
    } finally {
      await gate.leave(bullJob, key);
    }
  };
  // Two parameters on purpose: BullMQ then creates no AbortController per job. Cancel and shutdown
  // reach a running job through Job#abort (see runtime/worker-process.ts) instead.
  return function process(bullJob: BullJob, token?: string): Promise<unknown> {
    let job: Job;
    try {
      job = loadJob(bullJob);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const limit = job.concurrencyKey === undefined ? undefined : hooks.concurrency && concurrencyLimitOf(job);
    if (limit) return limited(job, bullJob, token, limit);
    return run(job, bullJob, token);
  };
}
