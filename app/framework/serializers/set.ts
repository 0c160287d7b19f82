/** Set <-> array of its members. */
import type { Json, Serializer } from './serializer';

export const setSerializer: Serializer<Set<unknown>> = {
  key: 'Set',
  matches: (value): value is Set<unknown> => value instanceof Set,
  serialize: (value, inner, path) =>
    [...value].map((member, i) => inner.serialize(member, `${path} member ${i}`)),
  async deserialize(json, inner) {
    return new Set(await Promise.all((json as Json[]).map((member) => inner.deserialize(member))));
  },
};
