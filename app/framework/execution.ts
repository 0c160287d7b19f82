/**
 * Executing a job (Active Job's Execution concern), shared by every adapter.
 *
 * Steps: count the execution; restore the arguments (a vanished record raises
 * DeserializationError here, inside the error handling, so discardOn can claim it); run perform
 * inside before/around/after_perform callbacks; map what happened to an Outcome that the adapter
 * turns into its own terms (BullMQ: return value, a delayed retry, or the failed set).
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
import { ExecutionGuard } from './timeouts';
import {
  logCanceled,
  logDiscarded,
  logFailed,
  logHalted,
  logInterrupted,
  logLockLost,
  logPerformed,
  logRetry,
  logStarted,
} from './logging';
import { backlotSettings } from './settings';
import { publishJobOutcome, publishJobStarted } from './events/framework-events';

export type Outcome =
  | { status: 'completed'; result: unknown }
  | { status: 'canceled'; error: JobCanceledError }
  | { status: 'interrupted'; error: WorkerShutdownError }
  /** The worker lost the job's lock: another may run it; this run reports nothing. */
  | { status: 'lock-lost'; error: JobLockLostError }
  | { status: 'halted' }
  | { status: 'retry'; error: Error; delayMs: number }
  | { status: 'discarded'; error: Error }
  | { status: 'failed'; error: Error; exhausted: boolean };

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

async function handleError(job: Job, thrown: unknown, durationMs: number): Promise<Outcome> {
  const error = asError(thrown, job);
  if (error instanceof JobCanceledError) {
    logCanceled(job, error, durationMs);
    return { status: 'canceled', error };
  }
  if (error instanceof WorkerShutdownError) {
    logInterrupted(job, durationMs);
    return { status: 'interrupted', error };
  }
  if (error instanceof JobLockLostError) {
    logLockLost(job, error, durationMs);
    return { status: 'lock-lost', error };
  }
  if (error instanceof MalformedPayloadError) {
    // A broken payload fails whatever retryOn/discardOn say: retrying cannot mend it.
    await runAfterDiscard(job, error);
    logFailed(job, error, durationMs, false);
    return { status: 'failed', error, exhausted: false };
  }
  const handler = findHandler(settingsOf(job.constructor).handlers, error);
  if (handler?.kind === 'retry') {
    const count = (job.exceptionExecutions[handler.key] ?? 0) + 1;
    // A new object: the loaded one may be the stored payload's own.
    job.exceptionExecutions = { ...job.exceptionExecutions, [handler.key]: count };
    if (count < handler.attempts) {
      const delayMs = retryDelayMs(handler.wait, count, handler.jitter, error);
      logRetry(job, error, delayMs, durationMs);
      return { status: 'retry', error, delayMs };
    }
    if (handler.onExhausted) {
      await handler.onExhausted(job, error);
      logDiscarded(job, error, durationMs);
      await runAfterDiscard(job, error);
      return { status: 'discarded', error };
    }
    await runAfterDiscard(job, error);
    logFailed(job, error, durationMs, true);
    return { status: 'failed', error, exhausted: true };
  }
  if (handler?.kind === 'discard') {
    logDiscarded(job, error, durationMs);
    await handler.handle?.(job, error);
    await runAfterDiscard(job, error);
    return { status: 'discarded', error };
  }
  await runAfterDiscard(job, error);
  logFailed(job, error, durationMs, false);
  return { status: 'failed', error, exhausted: false };
}

/**
 * Runs one execution of a job and says how it ended. Never throws for errors raised by the job.
 * The outcome's event (with an event bus) goes out where the outcome is made: a completed job's
 * at once, costing no promise; the others' once their error handling has run.
 */
export function executeJob(job: Job): Promise<Outcome> {
  return execute(job, performance.now());
}

/** Publishes the outcome an execution will settle with, once it is known (without a bus: as it is). */
function publishedWhenSettled(job: Job, outcome: Promise<Outcome>, started: number): Promise<Outcome> {
  if (!backlotSettings().events) return outcome;
  return outcome.then((settled) => {
    // A run that lost its lock reports nothing: the run now holding the job will.
    if (settled.status !== 'lock-lost') publishJobOutcome(job, settled, performance.now() - started);
    return settled;
  });
}

/**
 * Counts the execution, arms the guard and restores the arguments, then performs. The common case
 * (no perform callbacks, plain arguments) is a promise chain, not an async function: an async
 * function's suspended frame and await closures were most of the framework's allocation per job
 * (measured with V8's sampling heap profiler on the BullMQ processor), and every byte is garbage
 * a busy worker collects.
 */
function execute(job: Job, started: number): Promise<Outcome> {
  job.executions += 1;
  const cls = job.constructor as AnyJobClass;
  const guard = new ExecutionGuard(job, cls.timeout, cls.touchTimeout);
  job.guard = guard;
  if (job.abortReason) guard.reject(job.abortReason);
  const { callbacks } = settingsOf(cls);
  if (
    callbacks.beforePerform.length > 0 ||
    callbacks.aroundPerform.length > 0 ||
    callbacks.afterPerform.length > 0
  ) {
    return publishedWhenSettled(job, executeWithCallbacks(job, guard, started), started);
  }
  try {
    if (job.serializedArguments) {
      const restored = deserializeArguments(job.serializedArguments);
      if (restored instanceof Promise) {
        return restored.then(
          (args) => {
            job.arguments = args;
            return perform(job, guard, started);
          },
          (thrown: unknown) => failed(job, guard, thrown, started),
        );
      }
      job.arguments = restored;
    }
    return perform(job, guard, started);
  } catch (thrown) {
    return failed(job, guard, thrown, started);
  }
}

/** perform, without callbacks: its value (or its promise's) completes the job, what it throws fails it. */
function perform(job: Job, guard: ExecutionGuard, started: number): Promise<Outcome> {
  let running: unknown;
  try {
    // Logged once the arguments are restored, so DEBUG lines show them (Rails logs perform_start here too).
    logStarted(job);
    publishJobStarted(job);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- apply() calls it with job as its receiver
    running = guard.apply(job.perform, job, job.arguments);
  } catch (thrown) {
    return failed(job, guard, thrown, started);
  }
  if (!(running instanceof Promise)) return Promise.resolve(completed(job, guard, started, running));
  return running.then(
    (result: unknown) => completed(job, guard, started, result),
    (thrown: unknown) => failed(job, guard, thrown, started),
  );
}

function completed(
  job: Job,
  guard: ExecutionGuard,
  started: number,
  result: unknown,
): Outcome | Promise<Outcome> {
  const durationMs = performance.now() - started;
  try {
    logPerformed(job, durationMs);
  } catch (thrown) {
    return failed(job, guard, thrown, started);
  }
  release(job, guard);
  const outcome: Outcome = { status: 'completed', result };
  publishJobOutcome(job, outcome, durationMs);
  return outcome;
}

/** What the job raised (or the abort reason, which wins over whatever perform threw while aborted). */
function failed(job: Job, guard: ExecutionGuard, thrown: unknown, started: number): Promise<Outcome> {
  const outcome = handleError(job, job.abortReason ?? thrown, performance.now() - started);
  release(job, guard);
  return publishedWhenSettled(job, outcome, started);
}

function release(job: Job, guard: ExecutionGuard): void {
  guard.dispose();
  job.guard = undefined;
}

/** The general path: perform inside before/around/after_perform callbacks (a callback may halt). */
async function executeWithCallbacks(job: Job, guard: ExecutionGuard, started: number): Promise<Outcome> {
  try {
    if (job.serializedArguments) {
      const restored = deserializeArguments(job.serializedArguments);
      job.arguments = restored instanceof Promise ? await restored : restored;
    }
    logStarted(job);
    publishJobStarted(job);
    const { callbacks } = settingsOf(job.constructor);
    let result: unknown;
    const ran = await runCallbacks(
      job,
      callbacks.beforePerform,
      callbacks.aroundPerform,
      callbacks.afterPerform,
      async () => {
        // eslint-disable-next-line @typescript-eslint/unbound-method -- apply() calls it with job as its receiver
        result = await guard.apply(job.perform, job, job.arguments);
      },
    );
    if (!ran) {
      logHalted(job);
      return { status: 'halted' };
    }
    logPerformed(job, performance.now() - started);
    return { status: 'completed', result };
  } catch (thrown) {
    return handleError(job, job.abortReason ?? thrown, performance.now() - started);
  } finally {
    release(job, guard);
  }
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
