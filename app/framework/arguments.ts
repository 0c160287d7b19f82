/**
 * Job arguments <-> plain JSON.
 *
 * JSON values pass through unchanged; Date, BigInt, Map, Set, undefined and database records go
 * through the serializers in serializers/ and are stored as { "_bl": type, "v": json }. Anything
 * else (functions, symbols, class instances, NaN, symbol keys, a circular reference, nesting past
 * MAX_DEPTH) is refused at enqueue time with a SerializationError naming the argument's position
 * and type.
 *
 * Example: serializeArguments([new Date(0), 5n]) -> [{ _bl: 'Date', v: '1970-...' }, { _bl: 'BigInt', v: '5' }]
 */
import { MalformedPayloadError, SerializationError } from './errors';
import { serializers } from './serializers/index';
import { TYPE_KEY, type InnerCodec, type Json } from './serializers/serializer';

const byKey = new Map(serializers.map((s) => [s.key, s]));

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'object') return typeof value;
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  return ctor?.name ? `${ctor.name} instance` : 'object';
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** How deep arguments may nest (objects, arrays, Maps, Sets). */
export const MAX_DEPTH = 200;

const ancestors: object[] = [];

/** A value that is not a string, boolean, number, function, symbol or null, after the cycle check. */
function serializeValue(value: unknown, path: string): Json {
  for (const serializer of serializers) {
    if (serializer.matches(value))
      return { [TYPE_KEY]: serializer.key, v: serializer.serialize(value, codec, path) };
  }
  if (Array.isArray(value)) return value.map((item, i) => codec.serialize(item, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null && isPlainObject(value)) {
    if (TYPE_KEY in value) throw new SerializationError(`${path} uses the reserved key "${TYPE_KEY}"`);
    if (Object.getOwnPropertySymbols(value).length > 0)
      throw new SerializationError(`${path} has a symbol key, which JSON cannot store (it would be dropped)`);
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) out[key] = codec.serialize(item, `${path}.${key}`);
    return out;
  }
  throw new SerializationError(
    `${path} is a ${describe(value)}, which cannot be a job argument (use JSON values, Date, BigInt, Map, Set or a database record)`,
  );
}

const codec: InnerCodec = {
  serialize(value, path) {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (Number.isFinite(value)) return value;
        throw new SerializationError(`${path} is ${describe(value)}, which JSON cannot store`);
      case 'function':
      case 'symbol':
        throw new SerializationError(
          `${path} is a ${typeof value}, which cannot be a job argument (use JSON values, Date, BigInt, Map, Set or a database record)`,
        );
      default:
        break;
    }
    if (value === null) return null;
    if (typeof value !== 'object') return serializeValue(value, path);
    // The objects being serialized, outermost first: a value among them is a cycle, which would
    // otherwise overflow the stack with a RangeError that names nothing.
    if (ancestors.includes(value))
      throw new SerializationError(
        `${path} refers back to an object that contains it (a circular reference)`,
      );
    if (ancestors.length >= MAX_DEPTH)
      throw new SerializationError(`${path} is nested more than ${MAX_DEPTH} levels deep`);
    ancestors.push(value);
    try {
      return serializeValue(value, path);
    } finally {
      ancestors.pop();
    }
  },

  async deserialize(json) {
    if (json === null || typeof json !== 'object') return json;
    if (Array.isArray(json)) return Promise.all(json.map((item) => codec.deserialize(item)));
    const type = json[TYPE_KEY];
    if (typeof type === 'string') {
      const serializer = byKey.get(type);
      // A broken payload, not a vanished record: MalformedPayloadError fails the job (never discarded).
      if (!serializer) throw new MalformedPayloadError(`a stored argument has unknown type "${type}"`);
      return serializer.deserialize(json.v ?? null, codec);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(json)) out[key] = await codec.deserialize(item);
    return out;
  },
};

function needsWork(json: Json): boolean {
  return json !== null && typeof json === 'object';
}

/** Serializes positional arguments; the error names the position ("argument 2") and the type. */
export function serializeArguments(args: readonly unknown[]): Json[] {
  return args.map((arg, i) => codec.serialize(arg, `argument ${i + 1}`));
}

/** Restores positional arguments; records are reloaded through the record locator. */
export function deserializeArguments(stored: readonly Json[]): unknown[] | Promise<unknown[]> {
  // Plain JSON (the common case) comes back at once: no promise, no microtask.
  if (!stored.some(needsWork)) return [...stored];
  return Promise.all(stored.map((json) => codec.deserialize(json)));
}
