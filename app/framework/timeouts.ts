/**
 * Aborting running jobs: by the worker (cancel, shutdown), by the class's `timeout` ("timed out
 * after 10m"), or by `touchTimeout` when perform has not reported progress or called touch() for
 * that long ("no progress for 10m").
 *
 * Steps: executeJob attaches a guard to the job; one shared watchdog timer (every 100 ms while any
 * job runs in the process, stopped a second after the last) checks every guard's deadline and last
 * touch; an abort rejects the promise guard.run() wrapped perform in and aborts the job's signal if
 * perform ever asked for it. Nothing per job touches timers or AbortControllers on the happy path,
 * and an asynchronous perform costs one wrapper promise (a synchronous one none).
 *
 * Example: const guard = new ExecutionGuard(job, 600, 60); await guard.run(() => job.perform()); guard.dispose()
 */
import { JobTimeoutError } from './errors';

/** "10m", "1h30m", "45s", "250ms" */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('') || '0s';
}

export interface Abortable {
  abort(reason: Error): void;
}

export const WATCHDOG_INTERVAL_MS = 100;

/**
 * The guards the watchdog checks: an intrusive list (each guard links its neighbours), so joining
 * and leaving it allocates nothing; a Set measured slower (it gives each new guard an identity
 * hash, and every job has a guard; see docs/performance.md).
 */
let first: ExecutionGuard | undefined;
let watchdog: NodeJS.Timeout | undefined;
let idleSweeps = 0;

function sweep(): void {
  if (!first) {
    if (++idleSweeps >= 10 && watchdog) {
      clearInterval(watchdog);
      watchdog = undefined;
    }
    return;
  }
  idleSweeps = 0;
  const now = Date.now();
  for (let guard: ExecutionGuard | undefined = first; guard;) {
    // check() may abort the job, which unlinks the guard: step on first.
    const next: ExecutionGuard | undefined = guard.next;
    guard.check(now);
    guard = next;
  }
}

function link(guard: ExecutionGuard): void {
  guard.next = first;
  if (first) first.prev = guard;
  first = guard;
}

function unlink(guard: ExecutionGuard): void {
  if (first !== guard && !guard.prev) return; // not in the list
  if (guard.prev) guard.prev.next = guard.next;
  else first = guard.next;
  if (guard.next) guard.next.prev = guard.prev;
  guard.prev = undefined;
  guard.next = undefined;
}

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

export class ExecutionGuard {
  private lastTouch = Date.now();
  private readonly deadline: number;
  private readonly touchLimitMs: number;
  /** Set once the guard was rejected (aborted) or disposed. */
  private done = false;
  private reason: Error | undefined;
  /** Rejects the promise run() handed out, while perform runs. */
  private rejectRun: ((error: Error) => void) | undefined;
  /** Neighbours in the watchdog's list (see `first`; link and unlink keep them). */
  prev: ExecutionGuard | undefined;
  next: ExecutionGuard | undefined;

  constructor(
    private readonly target: Abortable,
    private readonly timeoutSeconds: number,
    private readonly touchTimeoutSeconds: number,
  ) {
    this.deadline =
      Number.isFinite(timeoutSeconds) && timeoutSeconds > 0
        ? this.lastTouch + timeoutSeconds * 1000
        : Infinity;
    this.touchLimitMs =
      Number.isFinite(touchTimeoutSeconds) && touchTimeoutSeconds > 0 ? touchTimeoutSeconds * 1000 : Infinity;
    if (this.deadline !== Infinity || this.touchLimitMs !== Infinity) {
      link(this);
      if (!watchdog) {
        watchdog = setInterval(sweep, WATCHDOG_INTERVAL_MS);
        watchdog.unref();
      }
    }
  }

  touch(): void {
    this.lastTouch = Date.now();
  }

  /**
   * Runs `perform` and settles with it, or rejects with the abort reason as soon as the guard is
   * rejected: a perform that ignores its signal is abandoned (not awaited). One promise per job,
   * none at all for a synchronous perform.
   */
  run<T>(perform: () => T): T | Promise<Awaited<T>> {
    if (this.reason) throw this.reason;
    const value = perform();
    if (!isThenable<Awaited<T>>(value)) return value;
    return new Promise<Awaited<T>>((resolve, reject) => {
      // Settled either way: a rejection after an abort is handled, never "unhandled".
      value.then(resolve, reject);
      // Aborted while perform ran synchronously: there was no promise to reject yet.
      if (this.reason) reject(this.reason);
      else this.rejectRun = reject;
    });
  }

  /** Rejects run()'s promise with the reason (once). The job's own abort() calls this. */
  reject(reason: Error): void {
    if (this.done) return;
    this.done = true;
    this.reason = reason;
    unlink(this);
    this.rejectRun?.(reason);
  }

  check(now: number): void {
    if (now >= this.deadline) {
      this.target.abort(new JobTimeoutError(`timed out after ${formatDuration(this.timeoutSeconds)}`));
    } else if (now - this.lastTouch >= this.touchLimitMs) {
      this.target.abort(new JobTimeoutError(`no progress for ${formatDuration(this.touchTimeoutSeconds)}`));
    }
  }

  dispose(): void {
    this.done = true;
    this.rejectRun = undefined;
    unlink(this);
  }
}
