/**
 * A wait that ends early when a signal aborts: a forwarder slot's retry after an away destination,
 * the stream subscriber's wait after a failed read.
 *
 * Steps: start a timer; resolve when it fires or `signal` aborts, whichever is first, clearing the
 * other (never rejects).
 *
 * Example: await sleep(1_000, stopping.signal);
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
