/**
 * Execution records: the hand-off from a worker to job history. For every execution a worker
 * finishes, the BullMQ processor calls recordExecution, which hands one small object to the
 * installed ExecutionRecorder (the app's batched PostgreSQL recorder) and returns: no I/O, no
 * filtering or formatting on the job's path; the recorder does that when it flushes.
 *
 * Steps: the app installs a recorder with setExecutionRecorder (bin/worker); the processor calls
 * recordExecution(job, outcome, startedAt) once per execution; without a recorder it returns at
 * once; a recorder that throws is logged and never reaches the job.
 *
 * Example:
 *   setExecutionRecorder({ record: (entry) => buffer.push(entry) });
 *   // a job runs: buffer holds { job, status: 'completed', startedAt, finishedAt }
 */
import type { Outcome } from './execution';
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

/** Installs (or with undefined, removes) the recorder every finished execution goes to. */
export function setExecutionRecorder(next: ExecutionRecorder | undefined): void {
  recorder = next;
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
