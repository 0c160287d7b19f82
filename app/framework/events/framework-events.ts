/**
 * The events the framework itself publishes on the bus: job lifecycle, as a subscriber of the job
 * events (publishJobEvent, attached by instrumentation.ts), a job deleted before it ran
 * (cancellation.ts) and worker up/down (runtime/worker-process.ts).
 *
 * Each function first reads the configured publisher and returns at once when there is none, so
 * without an event bus no event object is built. With one, publishing is a synchronous push onto
 * in-memory queues (broker.ts): no Redis round trip happens on a job's path. A failure to build
 * or publish an event is logged and never reaches the job.
 *
 * Example: onJobEvent(publishJobEvent)   // instrumentation.ts does this once
 */
import { hostname } from 'node:os';
import type { JobEvent } from '../instrumentation';
import { filterSecrets, jobFields } from '../logging';
import type { Job } from '../job';
import type { Outcome } from '../outcome';
import { backlotSettings, configureBacklot, type EventPublisher } from '../settings';
import { createEvent, eventTypeOf, type BacklotEvent, type EventData, type EventRef } from './payloads';

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

function publishJobEnqueued(bus: EventPublisher, job: Job): void {
  emit(bus, 'job.enqueued', () => ({
    ...jobFields(job),
    ...(job.scheduledAt ? { scheduledAt: job.scheduledAt.toISOString() } : {}),
    ...(job.priority !== undefined ? { priority: job.priority } : {}),
    arguments: args(job),
  }));
}

// job.started and job.completed go out for every job a worker runs: built as one literal each,
// without spreads (npm run bench -- throughput --events 1).
function publishJobStarted(bus: EventPublisher, job: Job): void {
  emit(bus, 'job.started', () => ({
    jobId: job.jobId,
    jobClass: job.jobClassName,
    queue: job.queueName,
    attempt: job.executions,
    arguments: args(job),
  }));
}

function publishJobProgress(bus: EventPublisher, job: Job, progress: number | object): void {
  emit(bus, 'job.progress', () => ({
    ...jobFields(job),
    progress: progress as number | Record<string, unknown>,
  }));
}

/** One event for how an execution ended. */
function publishJobOutcome(bus: EventPublisher, job: Job, outcome: Outcome, durationMs: number): void {
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
        delayMs: outcome.delayMs,
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
      return emit(bus, 'job.canceled', () => ({ ...base, reason: outcome.error.message }));
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
        exhausted: outcome.exhausted,
        discarded: false,
      }));
    case 'lock-lost':
      // A run that lost its lock reports nothing: the run now holding the job will.
      return;
  }
}

/**
 * The bus's subscriber of the job events: enqueued (not staged: the relay's enqueue reports it),
 * started, progress and the outcome. Without a bus it returns at once, building nothing.
 */
export function publishJobEvent(event: JobEvent): void {
  const bus = backlotSettings().events;
  if (!bus) return;
  switch (event.name) {
    case 'enqueue':
      if (event.status === 'enqueued') publishJobEnqueued(bus, event.job);
      return;
    case 'start':
      return publishJobStarted(bus, event.job);
    case 'progress':
      return publishJobProgress(bus, event.job, event.progress);
    case 'finish':
      return publishJobOutcome(bus, event.job, event.outcome, event.durationMs);
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
