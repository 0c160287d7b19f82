/** undefined survives the round trip (optional trailing arguments stay undefined, not null). */
import type { Serializer } from './serializer';

export const undefinedSerializer: Serializer<undefined> = {
  key: 'undefined',
  matches: (value): value is undefined => value === undefined,
  serialize: () => null,
  deserialize: () => undefined,
};
