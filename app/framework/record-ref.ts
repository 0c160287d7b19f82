/**
 * Records passed to jobs by reference, like Rails' GlobalID.
 *
 * The app's data layer marks each record it loads with RECORD_MODEL (a non-enumerable symbol
 * property holding the model name) and registers a RecordLocator that loads a record back by model
 * name and id. The record serializer stores { model, id } and the worker reloads the record; a
 * record that no longer exists raises DeserializationError.
 *
 * Example:
 *   markRecord(user, 'User');                      // done by app/db for every query result
 *   setRecordLocator({ locate: (model, id) => ... });
 */
export const RECORD_MODEL: unique symbol = Symbol.for('backlot.recordModel');

export type RecordId = string | number | bigint;

export interface RecordLocator {
  /** Loads a record by model name and id; resolves null when it does not exist. */
  locate(model: string, id: RecordId): Promise<object | null>;
}

/** Marks a loaded record so that it serializes by reference. Returns the record. */
export function markRecord<T extends object>(record: T, model: string): T {
  Object.defineProperty(record, RECORD_MODEL, { value: model, enumerable: false, configurable: true });
  return record;
}

/** The model name of a marked record, or undefined for any other value. */
export function recordModelOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const model = (value as { [RECORD_MODEL]?: unknown })[RECORD_MODEL];
  return typeof model === 'string' ? model : undefined;
}

let locator: RecordLocator | undefined;

export function setRecordLocator(next: RecordLocator | undefined): void {
  locator = next;
}

export function recordLocator(): RecordLocator | undefined {
  return locator;
}
