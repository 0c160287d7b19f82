/**
 * What one forwarder's slot tells the log, and the counts behind it: events dropped on a full
 * queue (at most one line a second, with the count), failed deliveries (throttled alike), and an
 * outage's drops (one line at the first, one with the total when delivery resumes).
 *
 * Example:
 *   const reports = new SlotReports('redis', () => logger);
 *   reports.dropped(event, 1000, false);   // ERROR "Event forwarder redis: queue full (1000 events), dropped 1 event(s), 1 in all"
 *   reports.resumed(since, 1000);          // after an outage: how many went while it lasted
 */
import type { Logger } from 'pino';
import { LogThrottle } from './log-throttle';
import type { BacklotEvent } from './payloads';

export class SlotReports {
  /** Events dropped on a full queue, in all. */
  droppedTotal = 0;
  /** Events in deliveries that failed or timed out, in all. */
  failedTotal = 0;
  /** Events dropped since the destination went away. */
  private droppedWhileUnavailable = 0;
  private readonly dropLog = new LogThrottle();
  private readonly failLog = new LogThrottle();

  constructor(
    private readonly name: string,
    private readonly log: () => Logger,
  ) {}

  /** An event did not fit the queue (`unavailable`: while the destination is away). */
  dropped(event: BacklotEvent, capacity: number, unavailable: boolean): void {
    this.droppedTotal += 1;
    if (unavailable) {
      // One line for the first drop of an outage; the total goes into the line at resumption.
      this.droppedWhileUnavailable += 1;
      if (this.droppedWhileUnavailable === 1) {
        this.log().error(
          { forwarder: this.name, capacity, droppedTotal: this.droppedTotal },
          `Event forwarder ${this.name}: destination away and queue full (${capacity} events): dropping new events until it is back`,
        );
      }
      return;
    }
    const n = this.dropLog.hit();
    if (n > 0) {
      this.log().error(
        {
          forwarder: this.name,
          dropped: n,
          droppedTotal: this.droppedTotal,
          capacity,
          eventType: event.type,
        },
        `Event forwarder ${this.name}: queue full (${capacity} events), dropped ${n} event(s), ${this.droppedTotal} in all`,
      );
    }
  }

  /** A delivery of `count` events failed or timed out (logged unless the slot is closed). */
  failed(count: number, message: string, error: unknown, closed: boolean): void {
    this.failedTotal += count;
    if (closed) return;
    const n = this.failLog.hit();
    if (n > 0) {
      this.log().error(
        { forwarder: this.name, failedTotal: this.failedTotal, err: error },
        `Event forwarder ${this.name}: ${message}${n > 1 ? ` (${n} failures since the last line)` : ''}`,
      );
    }
  }

  /** A delivery went through: failures are logged at once again. */
  delivered(): void {
    this.failLog.reset();
  }

  /** The first delivery after the destination came back (away since `since`): what the outage cost. */
  resumed(since: number, capacity: number): void {
    const dropped = this.droppedWhileUnavailable;
    this.droppedWhileUnavailable = 0;
    if (dropped === 0) return;
    this.log().error(
      { forwarder: this.name, dropped, droppedTotal: this.droppedTotal, awayMs: Date.now() - since },
      `Event forwarder ${this.name}: delivering again; ${dropped} event(s) were dropped while the destination was away (queue full at ${capacity})`,
    );
  }
}
