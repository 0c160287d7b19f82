/**
 * The events the framework itself publishes: job lifecycle (enqueuing.ts, execution.ts,
 * job.ts's reportProgress, cancellation.ts) and worker up/down (runtime/worker-process.ts).
 *
 * Each function first reads the configured publisher and returns at once when there is none, so
 * without an event bus no event object is built. With one, publishing is a synchronous push onto
 * in-memory queues (broker.ts): no Redis round trip happens on a job's path. A failure to build
 * or publish an event is logged and never reaches the job.
 *
 * Example: publishJobStarted(job)   // in executeJob, next to logStarted(job)
 */
import { hostname } from 'node:os';
import { filterSecrets } from '../logging';
import type { Job } from '../job';
import { backlotSettings, configureBacklot, type EventPublisher } from '../settings';
import { createEvent, eventTypeOf, type BacklotEvent, type EventData, type EventRef } from './payloads';

/** What execution.ts returns, as far as events care (structurally its Outcome). */
export interface OutcomeLike {
  status: 'completed' | 'canceled' | 'interrupted' | 'halted' | 'retry' | 'discarded' | 'failed';
  error?: Error;
  delayMs?: number;
  exhausted?: boolean;
}

/** Sets (or with undefined, removes) the publisher the framework's events go to. */
export function configureEvents(publisher: EventPublisher | undefined): void {
  configureBacklot({ events: publisher });
}

function emit<T extends EventRef>(bus: EventPublisher, type: T, build: () => EventData<T>): void {
  try {
    bus.publish(createEvent(type, build()) as BacklotEvent);
  } catch (error) {
    const name = eventTypeOf(type);
    backlotSettings().logger.error(
      { eventType: name, err: error },
      `Could not publish ${name}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function jobFields(job: Job) {
  return { jobId: job.jobId, jobClass: job.jobClassName, queue: job.queueName, attempt: job.executions };
}

function args(job: Job): unknown[] | undefined {
  const serialized = job.serializedArguments;
  return serialized && serialized.length > 0 ? (filterSecrets(serialized) as unknown[]) : undefined;
}

function errorInfo(error: Error | undefined): { name: string; message: string } {
  return { name: error?.name ?? 'Error', message: error?.message ?? '' };
}

/**
 * Publishes an event of a type the app defined (defineEvent) on this process's bus, if it has
 * one: never waits, never throws into the caller; without a bus nothing is built.
 */
export function publishEvent<T extends EventRef>(type: T, build: () => EventData<T>): void {
  const bus = backlotSettings().events;
  if (!bus) return;
  emit(bus, type, build);
}

export function publishJobEnqueued(job: Job): void {
  const bus = backlotSettings().events;
  if (!bus) return;
  emit(bus, 'job.enqueued', () => ({
    ...jobFields(job),
    ...(job.scheduledAt ? { scheduledAt: job.scheduledAt.toISOString() } : {}),
    ...(job.priority !== undefined ? { priority: job.priority } : {}),
    arguments: args(job),
  }));
}

// job.started and job.completed go out for every job a worker runs: built as one literal each,
// without spreads (npm run bench -- throughput --events 1).
export function publishJobStarted(job: Job): void {
  const bus = backlotSettings().events;
  if (!bus) return;
  emit(bus, 'job.started', () => ({
    jobId: job.jobId,
    jobClass: job.jobClassName,
    queue: job.queueName,
    attempt: job.executions,
    arguments: args(job),
  }));
}

export function publishJobProgress(job: Job, progress: number | object): void {
  const bus = backlotSettings().events;
  if (!bus) return;
  emit(bus, 'job.progress', () => ({
    ...jobFields(job),
    progress: progress as number | Record<string, unknown>,
  }));
}

/** One event for how an execution ended. */
export function publishJobOutcome(job: Job, outcome: OutcomeLike, durationMs: number): void {
  const bus = backlotSettings().events;
  if (!bus) return;
  const base = {
    jobId: job.jobId,
    jobClass: job.jobClassName,
    queue: job.queueName,
    attempt: job.executions,
    durationMs: Math.round(durationMs * 10) / 10,
  };
  switch (outcome.status) {
    case 'completed':
      return emit(bus, 'job.completed', () => base);
    case 'halted':
      return emit(bus, 'job.completed', () => ({ ...base, halted: true }));
    case 'retry':
      return emit(bus, 'job.retried', () => ({
        ...base,
        delayMs: outcome.delayMs ?? 0,
        error: errorInfo(outcome.error),
      }));
    case 'interrupted':
      return emit(bus, 'job.retried', () => ({
        ...base,
        delayMs: 0,
        error: errorInfo(outcome.error),
        interrupted: true,
      }));
    case 'canceled':
      return emit(bus, 'job.canceled', () => ({ ...base, reason: outcome.error?.message ?? 'canceled' }));
    case 'discarded':
      return emit(bus, 'job.failed', () => ({
        ...base,
        error: errorInfo(outcome.error),
        exhausted: false,
        discarded: true,
      }));
    case 'failed':
      return emit(bus, 'job.failed', () => ({
        ...base,
        error: errorInfo(outcome.error),
        exhausted: outcome.exhausted ?? false,
        discarded: false,
      }));
  }
}

/** A job removed from its queue before it ran (cancel of a waiting or delayed job). */
export function publishJobDeleted(
  jobId: string,
  queue: string,
  jobClass: string | undefined,
  reason: string,
): void {
  const bus = backlotSettings().events;
  if (!bus) return;
  emit(bus, 'job.deleted', () => ({ jobId, queue, reason, ...(jobClass ? { jobClass } : {}) }));
}

/** This process's worker id: host:pid, as in its heartbeat key. */
export function workerId(): string {
  return `${hostname()}:${process.pid}`;
}

export function publishWorkerUp(pools: string[], queues: readonly string[], concurrency: number): void {
  const bus = backlotSettings().events;
  if (!bus) return;
  emit(bus, 'worker.up', () => ({
    workerId: workerId(),
    host: hostname(),
    pid: process.pid,
    pools,
    queues: [...queues],
    concurrency,
  }));
}

export function publishWorkerDown(reason: 'shutdown' | 'killed'): void {
  const bus = backlotSettings().events;
  if (!bus) return;
  emit(bus, 'worker.down', () => ({ workerId: workerId(), host: hostname(), pid: process.pid, reason }));
}
