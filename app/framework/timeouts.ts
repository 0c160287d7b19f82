/**
 * The signal a running job sees: aborted by the worker (cancel, shutdown), by the class's
 * `timeout` ("timed out after 10m"), or by `touchTimeout` when perform has not reported progress
 * or called touch() for that long ("no progress for 10m").
 *
 * Steps: link the outer signal; arm the total timer; arm the inactivity timer, which re-arms for
 * the remaining time when touched meanwhile (one timer, no clearTimeout per touch); dispose()
 * clears both.
 *
 * Example: const guard = guardExecution(outerSignal, 600, 60); job.signal = guard.signal; guard.touch()
 */
import { JobTimeoutError } from './errors';

export interface ExecutionGuard {
  readonly signal: AbortSignal;
  readonly touch: () => void;
  readonly dispose: () => void;
}

/** "10m", "1h30m", "45s", "250ms" */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('') || '0s';
}

export function guardExecution(outer: AbortSignal | undefined, timeoutSeconds: number, touchTimeoutSeconds: number): ExecutionGuard {
  const controller = new AbortController();
  const abort = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onOuterAbort = () => abort(outer?.reason);
  if (outer?.aborted) abort(outer.reason);
  else outer?.addEventListener('abort', onOuterAbort, { once: true });

  const timers: NodeJS.Timeout[] = [];
  if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) {
    const total = setTimeout(() => abort(new JobTimeoutError(`timed out after ${formatDuration(timeoutSeconds)}`)), timeoutSeconds * 1000);
    total.unref();
    timers.push(total);
  }
  let lastTouch = Date.now();
  let idleTimer: NodeJS.Timeout | undefined;
  if (Number.isFinite(touchTimeoutSeconds) && touchTimeoutSeconds > 0) {
    const limitMs = touchTimeoutSeconds * 1000;
    const arm = (ms: number) => {
      idleTimer = setTimeout(() => {
        const idle = Date.now() - lastTouch;
        if (idle >= limitMs) abort(new JobTimeoutError(`no progress for ${formatDuration(touchTimeoutSeconds)}`));
        else arm(limitMs - idle);
      }, ms);
      idleTimer.unref();
    };
    arm(limitMs);
  }
  return {
    signal: controller.signal,
    touch: () => {
      lastTouch = Date.now();
    },
    dispose: () => {
      for (const t of timers) clearTimeout(t);
      if (idleTimer) clearTimeout(idleTimer);
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}

/** A promise that rejects with the signal's reason once it aborts (never settles otherwise). */
export function rejectOnAbort(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort: () => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
