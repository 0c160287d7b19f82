/**
 * Event payloads: versioned JSON envelopes `{ v: 1, type, topic, at, data }`, one data shape per
 * type, with zod schemas that check events arriving from outside the process (the Redis stream)
 * before they reach a forwarder.
 *
 * Types and their data (every job event carries jobId, jobClass, queue and attempt):
 *   job.enqueued   scheduledAt?, priority?, arguments? (serialized, secrets filtered)
 *   job.started    arguments?
 *   job.progress   progress (a number or an object, as reportProgress got it)
 *   job.completed  durationMs, halted? (a before_perform callback halted)
 *   job.failed     durationMs, error { name, message? }, exhausted (retries ran out), discarded (discardOn)
 *   job.retried    durationMs, delayMs, error, interrupted? (worker shutdown: back to waiting)
 *   job.canceled   durationMs?, reason
 *   job.deleted    jobId, jobClass?, queue, reason (removed from its queue before running)
 *   bur.status     burId, status, message?, jobId?
 *   bur.progress   burId, done, total, message?
 *   record.deletion_requested  model, recordId, requestedBy?, jobId?
 *   record.deleted model, recordId, jobId?
 *   record.updated model, recordId, status?, message?, jobId? (an app record changed, e.g. its status)
 *   worker.up      workerId, host, pid, pools, queues, concurrency
 *   worker.down    workerId, host, pid, reason: shutdown | killed
 *   clock.tick     intervalMs
 * A change to a data shape that old readers cannot take bumps `v`; readers reject other versions.
 *
 * Example: createEvent('bur.status', { burId: 12, status: 'processing' }) -> { v: 1, type: 'bur.status', topic: '/burs/12', ... }
 *          parseEvent(JSON.parse(raw)) -> BacklotEvent, or throws InvalidEventError naming the field
 */
import { z } from 'zod';
import { isValidTopic, topics } from './topics';

export const EVENT_VERSION = 1;

const id = z.string().min(1).max(200);
const recordId = z.union([z.string().min(1).max(200), z.number().int()]);
const count = z.number().int().min(0);
const ms = z.number().min(0);
const errorInfo = z.object({ name: z.string(), message: z.string().optional() });

const job = { jobId: id, jobClass: z.string(), queue: z.string(), attempt: count };

/** The data schema of each event type. */
export const EVENT_DATA_SCHEMAS = {
  'job.enqueued': z.object({
    ...job,
    scheduledAt: z.string().optional(),
    priority: z.number().int().optional(),
    arguments: z.array(z.unknown()).optional(),
  }),
  'job.started': z.object({ ...job, arguments: z.array(z.unknown()).optional() }),
  'job.progress': z.object({ ...job, progress: z.union([z.number(), z.record(z.string(), z.unknown())]) }),
  'job.completed': z.object({ ...job, durationMs: ms, halted: z.boolean().optional() }),
  'job.failed': z.object({
    ...job,
    durationMs: ms,
    error: errorInfo,
    exhausted: z.boolean(),
    discarded: z.boolean(),
  }),
  'job.retried': z.object({
    ...job,
    durationMs: ms,
    delayMs: ms,
    error: errorInfo,
    interrupted: z.boolean().optional(),
  }),
  'job.canceled': z.object({ ...job, durationMs: ms.optional(), reason: z.string() }),
  'job.deleted': z.object({
    jobId: id,
    jobClass: z.string().optional(),
    queue: z.string(),
    reason: z.string(),
  }),
  'bur.status': z.object({
    burId: recordId,
    status: z.string().min(1).max(64),
    message: z.string().optional(),
    jobId: id.optional(),
  }),
  'bur.progress': z.object({ burId: recordId, done: count, total: count, message: z.string().optional() }),
  'record.deletion_requested': z.object({
    model: id,
    recordId,
    requestedBy: recordId.optional(),
    jobId: id.optional(),
  }),
  'record.deleted': z.object({ model: id, recordId, jobId: id.optional() }),
  'record.updated': z.object({
    model: id,
    recordId,
    status: z.string().min(1).max(64).optional(),
    message: z.string().optional(),
    jobId: id.optional(),
  }),
  'worker.up': z.object({
    workerId: id,
    host: z.string(),
    pid: z.number().int(),
    pools: z.array(z.string()),
    queues: z.array(z.string()),
    concurrency: z.number().int().min(1),
  }),
  'worker.down': z.object({
    workerId: id,
    host: z.string(),
    pid: z.number().int(),
    reason: z.enum(['shutdown', 'killed']),
  }),
  'clock.tick': z.object({ intervalMs: z.number().int().min(1) }),
} as const;

type DataSchemas = typeof EVENT_DATA_SCHEMAS;
export type EventType = keyof DataSchemas;
export type EventData<T extends EventType> = z.infer<DataSchemas[T]>;

/** One event: the envelope with its type's data. */
export type BacklotEvent<T extends EventType = EventType> = {
  [K in T]: { v: typeof EVENT_VERSION; type: K; topic: string; at: string; data: EventData<K> };
}[T];

export const EVENT_TYPES = Object.keys(EVENT_DATA_SCHEMAS) as EventType[];

const topic = z
  .string()
  .refine(isValidTopic, { message: 'a topic such as /jobs/12 (slash-separated segments)' });

const envelopes = EVENT_TYPES.map((type) =>
  z.object({
    v: z.literal(EVENT_VERSION),
    type: z.literal(type),
    topic,
    at: z.iso.datetime(),
    data: EVENT_DATA_SCHEMAS[type],
  }),
);

/** Schema of any event (a discriminated union on `type`). */
export const eventSchema = z.discriminatedUnion(
  'type',
  envelopes as unknown as [(typeof envelopes)[number], ...(typeof envelopes)[number][]],
);

/** An event from outside the process failed validation. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/** Validates an event from outside the process (unknown keys in data are dropped). */
export function parseEvent(raw: unknown): BacklotEvent {
  const result = eventSchema.safeParse(raw);
  if (result.success) return result.data as BacklotEvent;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'event';
  throw new InvalidEventError(`invalid event at ${where}: ${issue?.message ?? 'does not match the schema'}`);
}

/** The topic an event of this type is published on. */
export function topicFor<T extends EventType>(type: T, data: EventData<T>): string {
  const d = data as Record<string, unknown>;
  const root = type.slice(0, type.indexOf('.'));
  switch (root) {
    case 'job':
      return topics.job(d.jobId as string);
    case 'bur':
      return topics.bur(d.burId as string | number);
    case 'record':
      return topics.record(d.model as string, d.recordId as string | number);
    case 'worker':
      return topics.worker(d.workerId as string);
    default:
      return topics.clock();
  }
}

let stampMs = Number.NaN;
let stampIso = '';

/** Now as an ISO string, formatted once per millisecond (a worker stamps thousands of events a second). */
function nowIso(): string {
  const now = Date.now();
  if (now !== stampMs) {
    stampMs = now;
    stampIso = new Date(now).toISOString();
  }
  return stampIso;
}

/** Builds an event stamped now, on its type's topic unless one is given. */
export function createEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  topic?: string,
): BacklotEvent<T> {
  return { v: EVENT_VERSION, type, topic: topic ?? topicFor(type, data), at: nowIso(), data };
}
