/**
 * Execution records: the hand-off from a worker to job history, a subscriber of the job lifecycle
 * (instrumentation.ts) like the log lines and the bus. For every execution that finishes, the
 * 'finish' event hands one small object to the installed ExecutionRecorder (the app's batched
 * PostgreSQL recorder): no I/O, no filtering or formatting on the job's path; the recorder does
 * that when it flushes.
 *
 * Steps: the app installs a recorder with setExecutionRecorder (bin/worker), which subscribes to
 * the job events; each finish calls recordExecution(job, outcome, startedAt) once; removing the
 * recorder unsubscribes; a recorder that throws is logged and never reaches the job.
 *
 * Example:
 *   setExecutionRecorder({ record: (entry) => buffer.push(entry) });
 *   // a job runs: buffer holds { job, status: 'completed', startedAt, finishedAt }
 */
import type { Outcome } from './execution';
import { onJobEvent } from './instrumentation';
import type { Job } from './job';
import { backlotSettings } from './settings';

/** How an execution ended: the framework's Outcome status. */
export type ExecutionState = Outcome['status'];

export const EXECUTION_STATES: readonly ExecutionState[] = [
  'completed',
  'retry',
  'failed',
  'discarded',
  'canceled',
  'interrupted',
  'lock-lost',
  'halted',
];

/** One finished execution. `job` is the finished run's own instance (not reused afterwards). */
export interface ExecutionRecord {
  job: Job;
  state: ExecutionState;
  /** What ended it, for every state but completed and halted. */
  error: Error | undefined;
  /** Epoch milliseconds. */
  startedAt: number;
  finishedAt: number;
}

export interface ExecutionRecorder {
  /** Takes the record and returns at once (buffering is the recorder's business). */
  record(entry: ExecutionRecord): void;
}

let recorder: ExecutionRecorder | undefined;
let unsubscribe: (() => void) | undefined;

/** Installs (or with undefined, removes) the recorder every finished execution goes to. */
export function setExecutionRecorder(next: ExecutionRecorder | undefined): void {
  recorder = next;
  if (next && !unsubscribe) {
    unsubscribe = onJobEvent(function jobHistory(event) {
      if (event.name === 'finish') recordExecution(event.job, event.outcome, Date.now() - event.durationMs);
    });
  } else if (!next && unsubscribe) {
    unsubscribe();
    unsubscribe = undefined;
  }
}

export function executionRecorder(): ExecutionRecorder | undefined {
  return recorder;
}

/** Hands one finished execution to the recorder, if one is installed. Never throws. */
export function recordExecution(job: Job, outcome: Outcome, startedAt: number): void {
  const current = recorder;
  if (!current) return;
  try {
    current.record({
      job,
      state: outcome.status,
      error: 'error' in outcome ? outcome.error : undefined,
      startedAt,
      finishedAt: Date.now(),
    });
  } catch (error) {
    backlotSettings().logger.error(
      { jobId: job.jobId, jobClass: job.jobClassName, err: error },
      `Could not record the execution of ${job.jobClassName} in job history`,
    );
  }
}
