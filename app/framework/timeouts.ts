/**
 * Aborting running jobs: by the worker (cancel, shutdown), by the class's `timeout` ("timed out
 * after 10m"), or by `touchTimeout` when perform has not reported progress or called touch() for
 * that long ("no progress for 10m").
 *
 * Steps: executeJob attaches a guard to the job; one shared watchdog timer (every 100 ms while any
 * job runs in the process, stopped a second after the last) checks every guard's deadline and last
 * touch; an abort rejects the guard's `aborted` promise (perform is raced against it) and aborts the
 * job's signal if perform ever asked for it. Nothing per job touches timers or AbortControllers on
 * the happy path: both cost several µs per job (see bench/throughput.bench.ts).
 *
 * Example: const guard = new ExecutionGuard(job, 600, 60); ...; guard.dispose()
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

const guards = new Set<ExecutionGuard>();
let watchdog: NodeJS.Timeout | undefined;
let idleSweeps = 0;

function sweep(): void {
  if (guards.size === 0) {
    if (++idleSweeps >= 10 && watchdog) {
      clearInterval(watchdog);
      watchdog = undefined;
    }
    return;
  }
  idleSweeps = 0;
  const now = Date.now();
  for (const guard of guards) guard.check(now);
}

export class ExecutionGuard {
  readonly aborted: Promise<never>;
  private rejectAborted!: (error: Error) => void;
  private lastTouch = Date.now();
  private readonly deadline: number;
  private readonly touchLimitMs: number;
  private done = false;

  constructor(
    private readonly target: Abortable,
    private readonly timeoutSeconds: number,
    private readonly touchTimeoutSeconds: number,
  ) {
    this.aborted = new Promise<never>((_, reject) => {
      this.rejectAborted = reject;
    });
    this.aborted.catch(() => undefined);
    this.deadline = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? this.lastTouch + timeoutSeconds * 1000 : Infinity;
    this.touchLimitMs = Number.isFinite(touchTimeoutSeconds) && touchTimeoutSeconds > 0 ? touchTimeoutSeconds * 1000 : Infinity;
    if (this.deadline !== Infinity || this.touchLimitMs !== Infinity) {
      guards.add(this);
      if (!watchdog) {
        watchdog = setInterval(sweep, WATCHDOG_INTERVAL_MS);
        watchdog.unref();
      }
    }
  }

  readonly touch = (): void => {
    this.lastTouch = Date.now();
  };

  /** Rejects `aborted` with the reason (once). The job's own abort() calls this. */
  reject(reason: Error): void {
    if (this.done) return;
    this.done = true;
    guards.delete(this);
    this.rejectAborted(reason);
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
    guards.delete(this);
  }
}
