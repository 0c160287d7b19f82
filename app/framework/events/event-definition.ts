/**
 * Declaring event types: defineEvent(type, schema, { topic }) registers a type with the zod schema
 * of its data and the topic its events go on, and returns the definition producers pass to
 * createEvent/publishEvent. The framework defines its own (framework-event-types.ts: job.*,
 * worker.*, clock.tick); the app defines the rest (app/events/). parseEvent looks a type up here,
 * so an event from another process is only accepted once its type is defined in this one.
 *
 * Steps of defineEvent: check the type name (dot-separated lowercase words) and that it is not
 * defined yet (EventDefinitionError), freeze and register the definition.
 *
 * Example:
 *   export const thingStatus = defineEvent('thing.status', z.object({ thingId: z.number(), status: z.string() }),
 *     { topic: (data) => `/things/${topicSegment(data.thingId)}` });
 *   publishEvent(thingStatus, () => ({ thingId: 12, status: 'done' }));   // on topic /things/12
 */
import type { z } from 'zod';

/** Two or more dot-separated words of lowercase letters, digits and underscores: job.enqueued. */
const TYPE_PATTERN = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

/** The data of an event is an object: its schema is a zod object (unknown keys are dropped). */
export type EventDataSchema = z.ZodObject<any>;

export interface EventDefinition<T extends string = string, S extends EventDataSchema = EventDataSchema> {
  readonly type: T;
  readonly schema: S;
  /** The topic an event of this type is published on, from its data (e.g. /things/12). */
  readonly topicOf: (data: z.infer<S>) => string;
}

export interface DefineEventOptions<S extends EventDataSchema> {
  topic: (data: z.infer<S>) => string;
}

/** A type name that is malformed or defined twice. */
export class EventDefinitionError extends Error {
  override name = 'EventDefinitionError';
}

const definitions = new Map<string, EventDefinition>();

export function defineEvent<T extends string, S extends EventDataSchema>(
  type: T,
  schema: S,
  options: DefineEventOptions<S>,
): EventDefinition<T, S> {
  if (!TYPE_PATTERN.test(type)) {
    throw new EventDefinitionError(
      `invalid event type ${JSON.stringify(type)}: expected dot-separated lowercase words such as thing.status`,
    );
  }
  if (definitions.has(type)) throw new EventDefinitionError(`event type ${type} is defined twice`);
  if (typeof options?.topic !== 'function') {
    throw new EventDefinitionError(`event type ${type}: options.topic must be a function of the data`);
  }
  const definition: EventDefinition<T, S> = Object.freeze({ type, schema, topicOf: options.topic });
  definitions.set(type, definition);
  return definition;
}

/** The definition of a type, or undefined when no module of this process defined it. */
export function eventDefinition(type: string): EventDefinition | undefined {
  return definitions.get(type);
}

/** Every type defined in this process, in definition order. */
export function eventTypes(): string[] {
  return [...definitions.keys()];
}
