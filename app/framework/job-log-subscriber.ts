/**
 * The framework's log lines as a subscriber of the job events (Active Job's log_subscriber.rb):
 * one line per event, chosen by the event and, for finish, by its Outcome.
 *
 * The `jobLines` setting (configureBacklot({ jobLines }) or BACKLOT_JOB_LINES, see settings.ts)
 * governs the two routine lines of every job a worker runs, start and a completed finish:
 * 'both' (default), 'finish' (no start line) or 'none' (Sidekiq's skip_default_job_logging).
 * Enqueue lines and the lines of retries, discards, failures, interruptions, cancels and lost
 * locks are written whatever it says.
 *
 * Example: emitJobEvent({ name: 'start', job })   // -> "Performing ResizeJob (Job ID: ..) from default"
 */
import type { JobEvent } from './instrumentation';
import { logPerformed, logStarted } from './job-lines';
import {
  logCanceled,
  logDiscarded,
  logDuplicate,
  logEnqueued,
  logEnqueueHalted,
  logFailed,
  logHalted,
  logInterrupted,
  logLockLost,
  logRetry,
} from './logging';
import type { Job } from './job';
import type { Outcome } from './outcome';
import { backlotSettings } from './settings';

function logEnqueue(job: Job, status: 'enqueued' | 'staged' | 'halted' | 'duplicate'): void {
  if (status === 'enqueued') logEnqueued(job);
  else if (status === 'staged') logEnqueued(job, true);
  else if (status === 'halted') logEnqueueHalted(job);
  else logDuplicate(job);
}

function logFinish(job: Job, outcome: Outcome, durationMs: number): void {
  switch (outcome.status) {
    case 'completed':
      if (backlotSettings().jobLines !== 'none') logPerformed(job, durationMs);
      return;
    case 'halted':
      return logHalted(job);
    case 'retry':
      return logRetry(job, outcome.error, outcome.delayMs, durationMs);
    case 'discarded':
      return logDiscarded(job, outcome.error, durationMs);
    case 'failed':
      return logFailed(job, outcome.error, durationMs, outcome.exhausted);
    case 'canceled':
      return logCanceled(job, outcome.error, durationMs);
    case 'interrupted':
      return logInterrupted(job, durationMs);
    case 'lock-lost':
      return logLockLost(job, outcome.error, durationMs);
  }
}

export function logJobEvent(event: JobEvent): void {
  switch (event.name) {
    case 'enqueue':
      return logEnqueue(event.job, event.status);
    case 'start':
      if (backlotSettings().jobLines === 'both') logStarted(event.job);
      return;
    case 'finish':
      return logFinish(event.job, event.outcome, event.durationMs);
    case 'progress':
      return;
  }
}
