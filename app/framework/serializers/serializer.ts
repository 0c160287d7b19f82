/**
 * The contract of one argument serializer (Active Job's ObjectSerializer, in TypeScript).
 *
 * A serializer claims values with `matches`, turns one into plain JSON with `serialize` (nested
 * values go through `inner`), and turns it back with `deserialize`. Stored form:
 * `{ "_bl": key, "v": <json> }`. Example: see date.ts.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const TYPE_KEY = '_bl';

export interface InnerCodec {
  serialize(value: unknown, path: string): Json;
  deserialize(json: Json): Promise<unknown>;
}

export interface Serializer<T = unknown> {
  readonly key: string;
  matches(value: unknown): value is T;
  serialize(value: T, inner: InnerCodec, path: string): Json;
  deserialize(json: Json, inner: InnerCodec): Promise<T> | T;
}
