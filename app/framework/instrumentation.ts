/**
 * Job lifecycle instrumentation (Active Job's instrumentation.rb): the core reports each event of a
 * job once, here, and everything that observes jobs subscribes: the framework's log lines
 * (job-log-subscriber.ts), the event bus (events/framework-events.ts) and any third party
 * (metrics, tracing) through onJobEvent.
 *
 * Events: enqueue (its status: enqueued, staged in a transaction, halted by a callback, or a
 * duplicate of a queued unique job), start (arguments restored, perform about to run), progress
 * (reportProgress) and finish with the execution's Outcome (completed, retry, discarded, failed,
 * interrupted, canceled, halted, lock-lost).
 *
 * Steps: emitJobEvent calls every listener in subscription order, synchronously; a listener that
 * throws is caught (the job goes on as if it had not) and logged at its first throw only, so a
 * broken metrics hook cannot flood the log either.
 *
 * Example: const off = onJobEvent((e) => { if (e.name === 'finish') histogram.observe(e.durationMs) }); off()
 */
import type { Job } from './job';
import { logJobEvent } from './job-log-subscriber';
import type { Outcome } from './outcome';
import { publishJobEvent } from './events/framework-events';
import { backlotSettings } from './settings';

export type EnqueueStatus = 'enqueued' | 'staged' | 'halted' | 'duplicate';

export type JobEvent =
  | { readonly name: 'enqueue'; readonly job: Job; readonly status: EnqueueStatus }
  | { readonly name: 'start'; readonly job: Job }
  | { readonly name: 'progress'; readonly job: Job; readonly progress: number | object }
  | { readonly name: 'finish'; readonly job: Job; readonly outcome: Outcome; readonly durationMs: number };

export type JobEventListener = (event: JobEvent) => void;

/** Replaced, never changed in place, so an emit in progress is not disturbed by (un)subscribing. */
let listeners: readonly JobEventListener[] = [];
const reported = new WeakSet<JobEventListener>();

/** Subscribes to every job event of this process; call the returned function to unsubscribe. */
export function onJobEvent(listener: JobEventListener): () => void {
  if (typeof listener !== 'function') {
    throw new TypeError(`onJobEvent needs a function (got ${typeof listener})`);
  }
  listeners = [...listeners, listener];
  return () => {
    listeners = listeners.filter((each) => each !== listener);
  };
}

function listenerFailed(listener: JobEventListener, event: JobEvent, error: unknown): void {
  if (reported.has(listener)) return;
  reported.add(listener);
  try {
    backlotSettings().logger.error(
      { event: 'listener_error', jobEvent: event.name, jobId: event.job.jobId, err: error },
      `A job event listener (${listener.name || 'anonymous'}) raised on ${event.name}; its later errors are not logged`,
    );
  } catch {
    // The logger itself failed: nothing more to do without breaking the job.
  }
}

/** Reports one lifecycle event to every listener; never throws. */
export function emitJobEvent(event: JobEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      listenerFailed(listener, event, error);
    }
  }
}

// The framework's own subscribers, first and in this order: the log line, then the bus event.
onJobEvent(logJobEvent);
onJobEvent(publishJobEvent);
