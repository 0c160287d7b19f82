/**
 * Database records by reference (GlobalID): stored as { model, id }, reloaded in the worker through
 * the registered RecordLocator. A record that is gone raises DeserializationError.
 */
import { DeserializationError, SerializationError } from '../errors';
import { recordLocator, recordModelOf, type RecordId } from '../record-ref';
import type { Json, Serializer } from './serializer';

interface StoredRef {
  model: string;
  id: string | number;
  bigint?: true;
}

export const recordSerializer: Serializer<object> = {
  key: 'Record',
  matches: (value): value is object => recordModelOf(value) !== undefined,
  serialize(value, _inner, path): Json {
    const model = recordModelOf(value) as string;
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'bigint') return { model, id: id.toString(), bigint: true } satisfies Json;
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new SerializationError(
        `${path} is a ${model} record without an id (was it loaded with select that omits id?)`,
      );
    }
    return { model, id } satisfies Json;
  },
  async deserialize(json: Json) {
    const ref = json as unknown as StoredRef;
    const locator = recordLocator();
    if (!locator)
      throw new DeserializationError(`cannot load ${ref.model} ${ref.id}: no record locator is installed`);
    const id: RecordId = ref.bigint ? BigInt(ref.id) : ref.id;
    const record = await locator.locate(ref.model, id);
    if (!record) throw new DeserializationError(`${ref.model} with id ${String(ref.id)} no longer exists`);
    return record;
  },
};
