/**
 * Keeps a repeated log line to at most one per interval, counting the occurrences it held back,
 * so a broken forwarder or an unreachable broker cannot flood the log.
 *
 * Example: const throttle = new LogThrottle(1000); const n = throttle.hit(); if (n > 0) log.error(`.. (${n} times)`)
 */
export class LogThrottle {
  private last = Number.NEGATIVE_INFINITY;
  private pending = 0;

  /** @param intervalMs at most one line per this many ms. @defaultValue 1000 */
  constructor(private readonly intervalMs = 1_000) {}

  /** Counts one occurrence; returns how many occurred since the last line when a line is due now, else 0. */
  hit(): number {
    this.pending += 1;
    const now = Date.now();
    if (now - this.last < this.intervalMs) return 0;
    this.last = now;
    const n = this.pending;
    this.pending = 0;
    return n;
  }

  /** Occurrences held back since the last line. */
  held(): number {
    return this.pending;
  }

  /** The next occurrence logs at once. */
  reset(): void {
    this.last = Number.NEGATIVE_INFINITY;
    this.pending = 0;
  }
}
