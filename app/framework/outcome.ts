/**
 * How one execution of a job ended (execution.ts makes it; adapters, the log lines and the event
 * bus read it). The one definition: every subscriber of instrumentation.ts sees this type.
 *
 * Example: if (outcome.status === 'retry') schedule(outcome.delayMs)
 */
import type { JobCanceledError, JobLockLostError, WorkerShutdownError } from './errors';

export type Outcome =
  | { status: 'completed'; result: unknown }
  | { status: 'canceled'; error: JobCanceledError }
  | { status: 'interrupted'; error: WorkerShutdownError }
  /** The worker lost the job's lock: another may run it; this run reports nothing on the bus. */
  | { status: 'lock-lost'; error: JobLockLostError }
  | { status: 'halted' }
  | { status: 'retry'; error: Error; delayMs: number }
  | { status: 'discarded'; error: Error }
  | { status: 'failed'; error: Error; exhausted: boolean };

export type OutcomeStatus = Outcome['status'];
