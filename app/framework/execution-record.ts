/**
 * Execution records: the hand-off from a worker to job history, a subscriber of the job lifecycle
 * (instrumentation.ts) like the log lines and the bus. For every execution that finishes, the
 * 'finish' event hands one small object to the installed ExecutionRecorder (the app's batched
 * PostgreSQL recorder): no I/O, no filtering or formatting on the job's path; the recorder does
 * that when it flushes. The object is a snapshot of the few fields history keeps, not the job:
 * a recorder holds its entries until the next flush (up to 500 ms), and holding the finished
 * jobs themselves (context, guard, logger, BullMQ job) for that long moved them all into the old
 * generation and made garbage collection the largest cost of recording.
 *
 * Steps: the app installs a recorder with setExecutionRecorder (bin/worker), which subscribes to
 * the job events; each finish calls recordExecution(job, outcome, startedAt) once; removing the
 * recorder unsubscribes; a recorder that throws is logged and never reaches the job.
 *
 * Example:
 *   setExecutionRecorder({ record: (entry) => buffer.push(entry) });
 *   // a job runs: buffer holds { jobId, jobClass, queue, attempt, arguments, state: 'completed', ... }
 */
import type { Outcome } from './outcome';
import { onJobEvent } from './instrumentation';
import type { Job } from './job';
import type { Json } from './serializers/serializer';
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

/** One finished execution: what history keeps of the run, copied when it finished. */
export interface ExecutionRecord {
  jobId: string;
  jobClass: string;
  queue: string;
  /** The attempt that finished (1 for the first run). */
  attempt: number;
  /** The arguments as stored in the payload (serialized), or undefined when there are none. */
  arguments: readonly Json[] | undefined;
  /** Epoch milliseconds the job was first enqueued, when known. */
  enqueuedAt: number | undefined;
  /** The job waiting for this one (its dependent, a flow parent), when it has one. */
  parentJobId: string | undefined;
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

/** The record of one finished run of `job` (finishedAt defaults to now). */
export function executionRecordOf(
  job: Job,
  outcome: Outcome,
  startedAt: number,
  finishedAt = Date.now(),
): ExecutionRecord {
  const enqueuedAt = job.enqueuedAt?.getTime();
  return {
    jobId: job.jobId,
    jobClass: job.jobClassName,
    queue: job.queueName,
    attempt: job.executions,
    arguments: job.serializedArguments,
    enqueuedAt: enqueuedAt !== undefined && Number.isFinite(enqueuedAt) ? enqueuedAt : undefined,
    parentJobId: job.parentJobId,
    state: outcome.status,
    error: 'error' in outcome ? outcome.error : undefined,
    startedAt,
    finishedAt,
  };
}

/** Hands one finished execution to the recorder, if one is installed. Never throws. */
export function recordExecution(job: Job, outcome: Outcome, startedAt: number): void {
  const current = recorder;
  if (!current) return;
  try {
    current.record(executionRecordOf(job, outcome, startedAt));
  } catch (error) {
    backlotSettings().logger.error(
      { jobId: job.jobId, jobClass: job.jobClassName, err: error },
      `Could not record the execution of ${job.jobClassName} in job history`,
    );
  }
}
