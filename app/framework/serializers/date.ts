/** Date <-> ISO-8601 string with milliseconds. An invalid Date is refused at enqueue time. */
import { SerializationError } from '../errors';
import type { Serializer } from './serializer';

export const dateSerializer: Serializer<Date> = {
  key: 'Date',
  matches: (value): value is Date => value instanceof Date,
  serialize(value, _inner, path) {
    if (Number.isNaN(value.getTime())) throw new SerializationError(`${path} is an invalid Date`);
    return value.toISOString();
  },
  deserialize: (json) => new Date(json as string),
};
