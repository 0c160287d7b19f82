/**
 * The plain-JSON shape a queue stores for one job (Job#serialize writes it, Job#loadPayload reads
 * it), the check a worker runs before trusting a stored one (payloadProblem), and the hooks a
 * running job uses to talk to the adapter that runs it.
 *
 * Example: { jobClass: 'PingJob', jobId: '3b24..', queueName: 'default', arguments: ['hi'],
 *            executions: 0, exceptionExecutions: {}, enqueuedAt: '2026-11-22T20:00:00.000Z' }
 *          payloadProblem({ jobClass: 'PingJob', arguments: 5 }) -> 'jobId is missing'
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
  /** Batches: the id of the batch the job belongs to (batches/batch.ts). */
  batchId?: string;
}

/** Hooks a running job uses to talk to the adapter that runs it. */
export interface ExecutionContext {
  progress(value: number | object): Promise<void>;
  /** Return values of the jobs this one depended on, keyed by "queue:id". */
  dependencyResults?(): Promise<Record<string, unknown>>;
  /** Stores the job's steps and cursor with its payload, so the next run resumes there. */
  saveContinuation?(state: ContinuationState): Promise<void>;
}

const NAMES = ['jobClass', 'jobId', 'queueName'] as const;

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * What is wrong with a stored payload, in a few words ("arguments is not an array (got a
 * string)"), or undefined when it has JobPayload's shape. Only typeof checks: it runs per job.
 */
export function payloadProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return `the payload is ${kind(value)}, not an object`;
  const p = value as Record<string, unknown>;
  for (const key of NAMES) {
    if (p[key] === undefined) return `${key} is missing`;
    if (typeof p[key] !== 'string' || p[key] === '')
      return `${key} is not a non-empty string (got ${kind(p[key])})`;
  }
  if (!Array.isArray(p.arguments))
    return p.arguments === undefined
      ? 'arguments is missing'
      : `arguments is not an array (got ${kind(p.arguments)})`;
  if (p.executions !== undefined && !isCount(p.executions))
    return `executions is not a whole number >= 0 (got ${JSON.stringify(p.executions)})`;
  if (p.priority !== undefined && p.priority !== null && typeof p.priority !== 'number')
    return `priority is not a number (got ${kind(p.priority)})`;
  const counts = p.exceptionExecutions;
  if (counts !== undefined) {
    if (counts === null || typeof counts !== 'object' || Array.isArray(counts))
      return `exceptionExecutions is not an object (got ${kind(counts)})`;
    for (const [key, count] of Object.entries(counts))
      if (!isCount(count)) return `exceptionExecutions.${key} is not a whole number >= 0`;
  }
  if (p.enqueuedAt !== undefined && typeof p.enqueuedAt !== 'string')
    return `enqueuedAt is not a string (got ${kind(p.enqueuedAt)})`;
  // Rare (scheduled jobs), so parsed here; enqueuedAt is parsed only when asked (job.ts).
  const at = p.scheduledAt;
  if (
    at !== undefined &&
    at !== null &&
    at !== '' &&
    (typeof at !== 'string' || Number.isNaN(Date.parse(at)))
  )
    return `scheduledAt is not a date (got ${JSON.stringify(at)})`;
  return undefined;
}
