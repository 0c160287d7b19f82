/**
 * Executing a job (Active Job's Execution concern), shared by every adapter.
 *
 * Steps: count the execution; restore the arguments (a vanished record raises
 * DeserializationError here, inside the error handling, so discardOn can claim it); run perform
 * (directly, or inside before/around/after_perform callbacks when the class declares any: one path
 * either way); map what happened to an Outcome that the adapter turns into its own terms (BullMQ:
 * return value, a delayed retry, or the failed set). The start and finish events go out once each
 * through instrumentation.ts, where the log lines and the bus subscribe.
 *
 * Example: const outcome = await executeJob(job); if (outcome.status === 'retry') schedule(outcome.delayMs)
 */
import { deserializeArguments } from './arguments';
import { runCallbacks } from './callbacks';
import { settingsOf } from './class-settings';
import { JobCanceledError, JobLockLostError, MalformedPayloadError, WorkerShutdownError } from './errors';
import { findHandler, retryDelayMs } from './exceptions';
import { functionLocation } from './function-location';
import type { AnyJobClass, Job } from './job';
import { emitJobEvent } from './instrumentation';
import type { Outcome } from './outcome';
import { backlotSettings } from './settings';
import { ExecutionGuard } from './timeouts';

export type { Outcome } from './outcome';

/** "a string", "an object", "undefined": what a job threw that is not an Error. */
function kindOf(thrown: unknown): string {
  if (thrown === null || thrown === undefined) return String(thrown);
  if (Array.isArray(thrown)) return 'an array';
  const type = typeof thrown;
  return `${type === 'object' ? 'an' : 'a'} ${type}`;
}

function shown(thrown: unknown): string {
  if (typeof thrown === 'bigint') return `${thrown}n`;
  if (typeof thrown === 'symbol' || typeof thrown === 'function') return String(thrown);
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}

/**
 * What the job raised, as an Error. A non-Error (throw 'boom') carries no stack of its own: it
 * becomes "X.perform threw a string (throw an Error): "boom"", its stack one frame at the job's
 * perform (where it is defined; see function-location.ts) rather than the framework code that
 * caught it.
 */
function asError(thrown: unknown, job: Job): Error {
  if (thrown instanceof Error) return thrown;
  const value = thrown === null || thrown === undefined ? '' : `: ${shown(thrown)}`;
  const error = new Error(`${job.jobClassName}.perform threw ${kindOf(thrown)} (throw an Error)${value}`);
  // eslint-disable-next-line @typescript-eslint/unbound-method -- only its location is read
  const where = functionLocation(job.perform);
  error.stack = `${error.name}: ${error.message}\n    at ${job.jobClassName}.perform${where ? ` (${where})` : ''}`;
  return error;
}

async function runAfterDiscard(job: Job, error: Error): Promise<void> {
  for (const callback of settingsOf(job.constructor).afterDiscard) {
    try {
      await callback(job, error);
    } catch (callbackError) {
      backlotSettings().logger.error(
        { jobId: job.jobId, jobClass: job.jobClassName, err: callbackError },
        `afterDiscard callback of ${job.jobClassName} raised`,
      );
    }
  }
}

/** Maps what the job raised to its Outcome, running retryOn/discardOn handlers and afterDiscard. */
async function handleError(job: Job, thrown: unknown): Promise<Outcome> {
  const error = asError(thrown, job);
  if (error instanceof JobCanceledError) return { status: 'canceled', error };
  if (error instanceof WorkerShutdownError) return { status: 'interrupted', error };
  if (error instanceof JobLockLostError) return { status: 'lock-lost', error };
  if (error instanceof MalformedPayloadError) {
    // A broken payload fails whatever retryOn/discardOn say: retrying cannot mend it.
    await runAfterDiscard(job, error);
    return { status: 'failed', error, exhausted: false };
  }
  const handler = findHandler(settingsOf(job.constructor).handlers, error);
  if (handler?.kind === 'retry') {
    const count = (job.exceptionExecutions[handler.key] ?? 0) + 1;
    // A new object: the loaded one may be the stored payload's own.
    job.exceptionExecutions = { ...job.exceptionExecutions, [handler.key]: count };
    if (count < handler.attempts) {
      return { status: 'retry', error, delayMs: retryDelayMs(handler.wait, count, handler.jitter, error) };
    }
    if (handler.onExhausted) {
      await handler.onExhausted(job, error);
      await runAfterDiscard(job, error);
      return { status: 'discarded', error };
    }
    await runAfterDiscard(job, error);
    return { status: 'failed', error, exhausted: true };
  }
  if (handler?.kind === 'discard') {
    await handler.handle?.(job, error);
    await runAfterDiscard(job, error);
    return { status: 'discarded', error };
  }
  await runAfterDiscard(job, error);
  return { status: 'failed', error, exhausted: false };
}

/** Whether the class declares perform callbacks (else perform is called directly, sparing a chain per job). */
function hasPerformCallbacks(cls: AnyJobClass): boolean {
  const { callbacks } = settingsOf(cls);
  return (
    callbacks.beforePerform.length > 0 ||
    callbacks.aroundPerform.length > 0 ||
    callbacks.afterPerform.length > 0
  );
}

/** perform, guarded (timeout, abort), with its arguments. */
function guardedPerform(job: Job, guard: ExecutionGuard): unknown {
  return guard.run(() => job.perform(...job.arguments));
}

/** perform inside before/around/after_perform callbacks: halted when a before callback returned false. */
async function performWithCallbacks(job: Job, guard: ExecutionGuard): Promise<Outcome> {
  const { callbacks } = settingsOf(job.constructor);
  let result: unknown;
  const ran = await runCallbacks(
    job,
    callbacks.beforePerform,
    callbacks.aroundPerform,
    callbacks.afterPerform,
    async () => {
      result = await guardedPerform(job, guard);
    },
  );
  return ran ? { status: 'completed', result } : { status: 'halted' };
}

/**
 * Runs one execution of a job and says how it ended; never throws for errors raised by the job.
 * Emits start once the arguments are restored (DEBUG lines show them, as Rails' perform_start)
 * and finish with the Outcome once the error handling has run (instrumentation.ts).
 */
export async function executeJob(job: Job): Promise<Outcome> {
  const started = performance.now();
  job.executions += 1;
  const cls = job.constructor as AnyJobClass;
  const guard = new ExecutionGuard(job, cls.timeout, cls.touchTimeout);
  job.guard = guard;
  if (job.abortReason) guard.reject(job.abortReason);
  let outcome: Outcome;
  let durationMs: number;
  try {
    if (job.serializedArguments) {
      const restored = deserializeArguments(job.serializedArguments);
      job.arguments = restored instanceof Promise ? await restored : restored;
    }
    emitJobEvent({ name: 'start', job });
    if (hasPerformCallbacks(cls)) outcome = await performWithCallbacks(job, guard);
    else outcome = { status: 'completed', result: await guardedPerform(job, guard) };
    durationMs = performance.now() - started;
  } catch (thrown) {
    durationMs = performance.now() - started;
    // The abort reason wins over whatever perform threw while aborted.
    outcome = await handleError(job, job.abortReason ?? thrown);
  } finally {
    guard.dispose();
    job.guard = undefined;
  }
  emitJobEvent({ name: 'finish', job, outcome, durationMs });
  return outcome;
}

/**
 * performNow: executes in this process. A retry is enqueued through the adapter (as Rails'
 * retry_job does); an unhandled failure is thrown to the caller; a discard resolves undefined.
 */
export async function performNow(job: Job): Promise<unknown> {
  const outcome = await executeJob(job);
  switch (outcome.status) {
    case 'completed':
      return outcome.result;
    case 'halted':
    case 'discarded':
    case 'canceled':
      return undefined;
    case 'interrupted':
    case 'lock-lost':
      throw outcome.error;
    case 'retry':
      await job.enqueue({ wait: outcome.delayMs / 1000 });
      return undefined;
    case 'failed':
      throw outcome.error;
  }
}
