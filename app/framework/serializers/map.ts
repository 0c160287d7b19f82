/** Map <-> array of [key, value] pairs; keys and values may be any serializable value. */
import type { Json, Serializer } from './serializer';

export const mapSerializer: Serializer<Map<unknown, unknown>> = {
  key: 'Map',
  matches: (value): value is Map<unknown, unknown> => value instanceof Map,
  serialize: (value, inner, path) =>
    [...value.entries()].map(([k, v], i) => [
      inner.serialize(k, `${path} key ${i}`),
      inner.serialize(v, `${path}[${String(k)}]`),
    ]),
  async deserialize(json, inner) {
    const pairs = json as [Json, Json][];
    const entries = await Promise.all(
      pairs.map(async ([k, v]) => [await inner.deserialize(k), await inner.deserialize(v)] as const),
    );
    return new Map(entries);
  },
};
