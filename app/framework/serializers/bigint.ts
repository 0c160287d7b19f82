/** BigInt <-> decimal string. */
import type { Serializer } from './serializer';

export const bigintSerializer: Serializer<bigint> = {
  key: 'BigInt',
  matches: (value): value is bigint => typeof value === 'bigint',
  serialize: (value) => value.toString(),
  deserialize: (json) => BigInt(json as string),
};
