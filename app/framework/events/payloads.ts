/**
 * Event payloads: versioned JSON envelopes `{ v: 1, type, topic, at, data }`, the data of each
 * type checked by the zod schema its definition gives (event-definition.ts). parseEvent checks
 * events arriving from outside the process (the Redis stream) before they reach a forwarder;
 * createEvent builds one for a producer.
 *
 * Steps of parseEvent: the envelope (v, a type name, a valid topic, an ISO time); the type's
 * definition (a type no module of this process defined is refused); the data against its schema
 * (unknown keys dropped). Each failure is an InvalidEventError naming the field.
 * A change to a data shape that old readers cannot take bumps `v`; readers reject other versions.
 *
 * Example: createEvent(thingStatus, { thingId: 12, status: 'done' }) -> { v: 1, type: 'thing.status', topic: '/things/12', ... }
 *          createEvent('clock.tick', { intervalMs: 1000 })          (the framework's own types by name)
 *          parseEvent(JSON.parse(raw)) -> BacklotEvent, or throws InvalidEventError naming the field
 */
import { z } from 'zod';
import { eventDefinition, type EventDefinition } from './event-definition';
import { FRAMEWORK_EVENTS, type FrameworkEvents, type FrameworkEventType } from './framework-event-types';
import { isValidTopic } from './topics';

export const EVENT_VERSION = 1;

/** An event type as producers name it: a definition, or one of the framework's own type names. */
export type EventRef = EventDefinition | FrameworkEventType;

type DefinitionOf<R extends EventRef> = R extends FrameworkEventType
  ? FrameworkEvents[R]
  : R extends EventDefinition
    ? R
    : never;

/** The data of an event of this type. */
export type EventData<R extends EventRef> = z.infer<DefinitionOf<R>['schema']>;

/** One event: the envelope with its type's data (any type's, by default). */
export interface BacklotEvent<R extends EventRef = EventDefinition> {
  v: typeof EVENT_VERSION;
  type: DefinitionOf<R>['type'];
  topic: string;
  at: string;
  data: EventData<R>;
}

const envelopeSchema = z.object({
  v: z.literal(EVENT_VERSION),
  type: z.string().max(200),
  topic: z.string().refine(isValidTopic, { message: 'a topic such as /jobs/12 (slash-separated segments)' }),
  at: z.iso.datetime(),
  data: z.unknown(),
});

/** An event from outside the process failed validation. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

function invalid(error: z.ZodError, prefix: string[]): InvalidEventError {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? []).map(String)];
  const where = path.length ? path.join('.') : 'event';
  return new InvalidEventError(`invalid event at ${where}: ${issue?.message ?? 'does not match the schema'}`);
}

/** Validates an event from outside the process (unknown keys in data are dropped). */
export function parseEvent(raw: unknown): BacklotEvent {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) throw invalid(envelope.error, []);
  const definition = eventDefinition(envelope.data.type);
  if (!definition) {
    throw new InvalidEventError(
      `invalid event at type: ${JSON.stringify(envelope.data.type)} is not a defined event type`,
    );
  }
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) throw invalid(data.error, ['data']);
  return { ...envelope.data, v: EVENT_VERSION, data: data.data } as BacklotEvent;
}

function definitionOf(ref: EventRef): EventDefinition {
  if (typeof ref !== 'string') return ref;
  const definition = FRAMEWORK_EVENTS[ref] as EventDefinition | undefined;
  if (!definition)
    throw new InvalidEventError(`${JSON.stringify(ref)} is not one of the framework's event types`);
  return definition;
}

/** The name of an event type. */
export function eventTypeOf(ref: EventRef): string {
  return typeof ref === 'string' ? ref : ref.type;
}

/** The topic an event of this type and data is published on. */
export function topicFor<R extends EventRef>(ref: R, data: EventData<R>): string {
  return definitionOf(ref).topicOf(data);
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
export function createEvent<R extends EventRef>(ref: R, data: EventData<R>, topic?: string): BacklotEvent<R> {
  const definition = definitionOf(ref);
  return {
    v: EVENT_VERSION,
    type: definition.type,
    topic: topic ?? definition.topicOf(data),
    at: nowIso(),
    data,
  };
}
