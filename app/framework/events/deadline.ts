/**
 * A cancellable deadline to race a promise against: the broker's bound on a delivery, on a
 * forwarder's close() and on flush(). Its timer is unref'd, so a pending deadline never keeps the
 * process alive.
 *
 * Steps: deadline(ms) starts the timer; race `promise` against the work; cancel() in a finally
 * clears the timer whichever side won.
 *
 * Example:
 *   const limit = deadline(2_000);
 *   try {
 *     if ((await Promise.race([work.then(() => 'done' as const), limit.promise])) === 'timeout') warn();
 *   } finally {
 *     limit.cancel();
 *   }
 */
export interface Deadline {
  /** Resolves 'timeout' after the given time (never rejects). */
  readonly promise: Promise<'timeout'>;
  /** Clears the timer; the promise then never resolves. */
  cancel(): void;
}

export function deadline(ms: number): Deadline {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
