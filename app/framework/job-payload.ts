/**
 * The plain-JSON shape a queue stores for one job (Job#serialize writes it, Job#loadPayload reads
 * it), and the hooks a running job uses to talk to the adapter that runs it.
 *
 * Example: { jobClass: 'PingJob', jobId: '3b24..', queueName: 'default', arguments: ['hi'],
 *            executions: 0, exceptionExecutions: {}, enqueuedAt: '2026-11-22T20:00:00.000Z' }
 */
import type { ContinuationState } from './continuation';
import type { Json } from './serializers/serializer';

/** What a queue stores for one job (plain JSON). */
export interface JobPayload {
  jobClass: string;
  jobId: string;
  queueName: string;
  priority?: number;
  arguments: Json[];
  /** Executions before this enqueue (retries carry it on). */
  executions: number;
  /** Executions per retryOn handler, keyed by its error class names. */
  exceptionExecutions: Record<string, number>;
  enqueuedAt: string;
  scheduledAt?: string;
  /** Resumable steps: the steps done and the current step's cursor (continuation.ts). */
  continuation?: ContinuationState;
  /** limitsConcurrency(): the key computed from the arguments at enqueue (concurrency/limit.ts). */
  concurrencyKey?: string;
}

/** Hooks a running job uses to talk to the adapter that runs it. */
export interface ExecutionContext {
  progress(value: number | object): Promise<void>;
  /** Return values of the jobs this one depended on, keyed by "queue:id". */
  dependencyResults?(): Promise<Record<string, unknown>>;
  /** Stores the job's steps and cursor with its payload, so the next run resumes there. */
  saveContinuation?(state: ContinuationState): Promise<void>;
}
