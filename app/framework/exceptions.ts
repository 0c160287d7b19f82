/**
 * retryOn / discardOn: what happens when perform throws (Active Job's Exceptions concern).
 *
 * Steps for an error thrown by perform (or by argument deserialization):
 *   1. Handlers are tried most recently declared first; a handler matches through the class
 *      hierarchy (instanceof), so `retryOn(Error)` catches everything not claimed by a later one.
 *   2. retryOn: the job's executions for that handler are counted; below `attempts` the job is
 *      retried after `wait` (a real BullMQ attempt with a delay). At `attempts` the error
 *      re-raises: the job fails for good (afterDiscard runs), unless the handler has `onExhausted`.
 *   3. discardOn: the job is dropped with one log line; afterDiscard runs.
 *   4. No handler: the job fails at once with its stack kept; afterDiscard runs.
 *
 * Example: static { this.retryOn(TimeoutError, { attempts: 8, wait: 'polynomiallyLonger' }) }
 */
import { JobOptionsError } from './errors';
import { unknownOptionNames } from './job-options';

export type ErrorClass = abstract new (...args: any[]) => Error;

/** Seconds, Rails' :polynomially_longer ((executions^4) + 2 s), or a function of the executions. */
export type RetryWait = number | 'polynomiallyLonger' | ((executions: number, error: Error) => number);

export interface RetryOnOptions {
  /** How many times the job may run while this error keeps happening. @defaultValue 5 */
  attempts?: number;
  /** Delay before each retry, in seconds. @defaultValue 3 */
  wait?: RetryWait;
  /** Random extra delay, as a fraction of the delay (0.15 = up to 15 % more). @defaultValue 0.15 */
  jitter?: number;
  /** Called instead of failing the job when attempts are exhausted. */
  onExhausted?: (job: any, error: Error) => void | Promise<void>;
}

export type ExceptionHandler =
  | {
      kind: 'retry';
      errorClasses: ErrorClass[];
      key: string;
      attempts: number;
      wait: RetryWait;
      jitter: number;
      onExhausted: RetryOnOptions['onExhausted'];
    }
  | {
      kind: 'discard';
      errorClasses: ErrorClass[];
      key: string;
      handle?: (job: any, error: Error) => void | Promise<void>;
    };

export const DEFAULT_RETRY_ATTEMPTS = 5;
export const DEFAULT_RETRY_WAIT = 3;
export const DEFAULT_JITTER = 0.15;

function checkClasses(errorClasses: ErrorClass[], method: string): void {
  if (errorClasses.length === 0) throw new JobOptionsError(`${method} needs at least one error class`);
  for (const cls of errorClasses) {
    if (typeof cls !== 'function')
      throw new JobOptionsError(`${method} takes error classes, got ${typeof cls}`);
    // A predicate or a non-Error class would never match (or make instanceof throw in the worker).
    if (cls !== Error && !((cls.prototype as unknown) instanceof Error))
      throw new JobOptionsError(
        `${method} takes error classes (Error or a subclass), got ${cls.name ? `function ${cls.name}` : 'an anonymous function'}`,
      );
  }
}

const RETRY_OPTIONS = ['attempts', 'wait', 'jitter', 'onExhausted'];

/** A callback option must be a function when given. */
export function checkFunction(value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'function')
    throw new JobOptionsError(`${what} must be a function, got ${typeof value}`);
}

function checkRetryOptions(options: unknown): asserts options is RetryOnOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new JobOptionsError(`retryOn options must be an object ({ attempts, wait, jitter, onExhausted })`);
  const unknown = unknownOptionNames(options, RETRY_OPTIONS);
  if (unknown)
    throw new JobOptionsError(`retryOn has no option ${unknown} (options: ${RETRY_OPTIONS.join(', ')})`);
}

function checkWait(wait: unknown): RetryWait {
  if (wait === 'polynomiallyLonger' || typeof wait === 'function') return wait as RetryWait;
  if (typeof wait === 'number' && Number.isFinite(wait) && wait >= 0) return wait;
  throw new JobOptionsError(
    `retryOn wait must be seconds >= 0, 'polynomiallyLonger' or a function, got ${typeof wait === 'string' ? JSON.stringify(wait) : String(wait)}`,
  );
}

export function retryHandler(errorClasses: ErrorClass[], options: RetryOnOptions = {}): ExceptionHandler {
  checkClasses(errorClasses, 'retryOn');
  checkRetryOptions(options);
  const attempts = options.attempts ?? DEFAULT_RETRY_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new JobOptionsError(
      `retryOn attempts must be a whole number of at least 1, got ${String(attempts)}`,
    );
  }
  const wait = checkWait(options.wait ?? DEFAULT_RETRY_WAIT);
  const jitter = options.jitter ?? DEFAULT_JITTER;
  if (typeof jitter !== 'number' || !Number.isFinite(jitter) || jitter < 0)
    throw new JobOptionsError(`retryOn jitter must be >= 0, got ${String(jitter)}`);
  checkFunction(options.onExhausted, 'retryOn onExhausted');
  return {
    kind: 'retry',
    errorClasses,
    key: errorClasses.map((c) => c.name).join(','),
    attempts,
    wait,
    jitter,
    onExhausted: options.onExhausted,
  };
}

export function discardHandler(
  errorClasses: ErrorClass[],
  handle?: (job: any, error: Error) => void | Promise<void>,
): ExceptionHandler {
  checkClasses(errorClasses, 'discardOn');
  checkFunction(handle, 'discardOn handler');
  return { kind: 'discard', errorClasses, key: errorClasses.map((c) => c.name).join(','), handle };
}

/** The handler for an error: the most recently declared one whose class matches. */
export function findHandler(
  handlers: readonly ExceptionHandler[],
  error: unknown,
): ExceptionHandler | undefined {
  for (let i = handlers.length - 1; i >= 0; i--) {
    const handler = handlers[i] as ExceptionHandler;
    if (handler.errorClasses.some((cls) => error instanceof cls)) return handler;
  }
  return undefined;
}

/** Delay in milliseconds before retry number `executions` (Rails' determine_delay). */
export function retryDelayMs(
  wait: RetryWait,
  executions: number,
  jitter: number,
  error: Error,
  random = Math.random,
): number {
  let seconds: number;
  if (wait === 'polynomiallyLonger') {
    const base = executions ** 4;
    seconds = base + random() * base * jitter + 2;
  } else if (typeof wait === 'function') {
    seconds = wait(executions, error);
  } else {
    seconds = wait + random() * wait * jitter;
  }
  return Math.max(0, Math.round(seconds * 1000));
}

/** BullMQ attempts for a class: one first run plus every retry its handlers allow. */
export function maxAttempts(handlers: readonly ExceptionHandler[]): number {
  return handlers.reduce((sum, h) => (h.kind === 'retry' ? sum + h.attempts - 1 : sum), 1);
}
