import { afterEach, describe, expect, it } from 'vitest';
import { MAX_DEPTH } from '../../app/framework/arguments';
import {
  DeserializationError,
  deserializeArguments,
  MalformedPayloadError,
  markRecord,
  type RecordId,
  type RecordLocator,
  SerializationError,
  serializeArguments,
  setRecordLocator,
} from '../../app/framework/index';

/** Serializes, stores as JSON text (as a queue does), parses and deserializes. */
async function roundTrip(args: unknown[]): Promise<unknown[]> {
  const stored = JSON.parse(JSON.stringify(serializeArguments(args))) as ReturnType<
    typeof serializeArguments
  >;
  return deserializeArguments(stored);
}

function serializationMessage(args: unknown[]): string {
  try {
    serializeArguments(args);
  } catch (error) {
    expect(error).toBeInstanceOf(SerializationError);
    return (error as Error).message;
  }
  throw new Error('expected serializeArguments to throw');
}

class Foo {
  constructor(readonly x = 1) {}
}

describe('serializeArguments / deserializeArguments', () => {
  describe('round trip', () => {
    it('keeps JSON values as they are, stored unchanged', async () => {
      const args = ['text', 42, -1.5, true, false, null, '', 0];
      expect(serializeArguments(args)).toEqual(args);
      expect(await roundTrip(args)).toEqual(args);
    });

    it('keeps nested arrays and plain objects', async () => {
      const args = [{ a: [1, [2, [3]]], b: { c: { d: 'deep' } } }, [[], {}]];
      expect(serializeArguments(args)).toEqual(args);
      expect(await roundTrip(args)).toEqual(args);
    });

    it('restores a Date as a Date to the millisecond', async () => {
      const date = new Date('2024-02-29T12:34:56.789Z');
      const [restored] = await roundTrip([date]);
      expect(restored).toBeInstanceOf(Date);
      expect((restored as Date).getTime()).toBe(date.getTime());
    });

    it('restores a BigInt beyond Number.MAX_SAFE_INTEGER exactly', async () => {
      const big = 2n ** 70n + 1n;
      expect(await roundTrip([big])).toEqual([big]);
    });

    it('restores a Map, keys of any serializable type included', async () => {
      const map = new Map<unknown, unknown>([
        [1, 'one'],
        ['1', 'string one'],
        [new Date(0), 'epoch'],
        [5n, { nested: true }],
      ]);
      const [restored] = await roundTrip([map]);
      expect(restored).toBeInstanceOf(Map);
      const entries = [...(restored as Map<unknown, unknown>).entries()];
      expect(entries).toEqual([
        [1, 'one'],
        ['1', 'string one'],
        [new Date(0), 'epoch'],
        [5n, { nested: true }],
      ]);
    });

    it('restores a Set with its members in order', async () => {
      const [restored] = await roundTrip([new Set(['b', 'a', 3])]);
      expect(restored).toBeInstanceOf(Set);
      expect([...(restored as Set<unknown>)]).toEqual(['b', 'a', 3]);
    });

    it('keeps undefined, as an argument and as an object value, distinct from null', async () => {
      const restored = await roundTrip([undefined, null, { a: undefined, b: null }]);
      expect(restored).toHaveLength(3);
      expect(restored[0]).toBeUndefined();
      expect(restored[1]).toBeNull();
      expect(restored[2]).toHaveProperty('a', undefined);
      expect(restored[2]).toHaveProperty('b', null);
    });

    it('restores special values nested inside each other', async () => {
      const args = [
        {
          when: new Date(1_000),
          ids: new Set([1n, 2n]),
          index: new Map([['list', [new Date(2_000), { inner: new Map([[3n, undefined]]) }]]]),
        },
        [new Set([new Map([[1, 2]])])],
      ];
      expect(await roundTrip(args)).toEqual(args);
    });

    it('stores special values as { _bl: type, v: json }', () => {
      expect(serializeArguments([new Date(0), 5n])).toEqual([
        { _bl: 'Date', v: '1970-01-01T00:00:00.000Z' },
        { _bl: 'BigInt', v: '5' },
      ]);
    });
  });

  describe('refusal at serialize time, naming the position and type', () => {
    it('refuses a function', () => {
      expect(serializationMessage([1, () => 2])).toContain('argument 2 is a function');
    });

    it('refuses a class instance, naming its class', () => {
      expect(serializationMessage([new Foo()])).toContain('argument 1 is a Foo instance');
    });

    it('refuses NaN and Infinity', () => {
      expect(serializationMessage([NaN])).toContain('argument 1 is NaN');
      expect(serializationMessage(['ok', Infinity])).toContain('argument 2 is Infinity');
      expect(serializationMessage([-Infinity])).toContain('argument 1 is -Infinity');
    });

    it('refuses a symbol', () => {
      expect(serializationMessage([Symbol('s')])).toContain('argument 1 is a symbol');
    });

    it('refuses an object using the reserved "_bl" key', () => {
      expect(serializationMessage([{ _bl: 'Date', v: 'x' }])).toContain(
        'argument 1 uses the reserved key "_bl"',
      );
    });

    it('refuses an invalid Date', () => {
      expect(serializationMessage([new Date('not a date')])).toContain('argument 1 is an invalid Date');
    });

    it('refuses a circular reference through an object, an array or a Map, naming where it loops', () => {
      const loop: Record<string, unknown> = { name: 'a' };
      loop.self = loop;
      const list: unknown[] = [];
      list.push(list);
      const map = new Map<string, unknown>();
      map.set('m', map);
      const suffix = 'refers back to an object that contains it (a circular reference)';
      expect(serializationMessage([1, { inner: loop }])).toBe(`argument 2.inner.self ${suffix}`);
      expect(serializationMessage([list])).toBe(`argument 1[0] ${suffix}`);
      expect(serializationMessage([map])).toBe(`argument 1[m] ${suffix}`);
    });

    it('accepts one object reached twice without a loop', async () => {
      const shared = { n: 1 };
      expect(await roundTrip([[shared, shared], { a: shared }])).toEqual([[shared, shared], { a: shared }]);
    });

    it('refuses nesting deeper than MAX_DEPTH instead of overflowing the stack', () => {
      let deep: unknown = 'bottom';
      for (let i = 0; i < 20_000; i += 1) deep = [deep];
      expect(serializationMessage([deep])).toMatch(
        new RegExp(`^argument 1(\\[0\\]){${MAX_DEPTH}} is nested more than ${MAX_DEPTH} levels deep$`),
      );
      let fits: unknown = 'bottom';
      for (let i = 1; i < MAX_DEPTH; i += 1) fits = [fits];
      expect(() => serializeArguments([fits])).not.toThrow();
    });

    it('refuses an object with a symbol key, which JSON would drop', () => {
      expect(serializationMessage([{ a: 1, [Symbol('secret')]: 2 }])).toBe(
        'argument 1 has a symbol key, which JSON cannot store (it would be dropped)',
      );
    });

    it('names the path of a nested value', () => {
      expect(serializationMessage([{ user: { name: 'a', cb: () => 1 } }])).toContain(
        'argument 1.user.cb is a function',
      );
      expect(serializationMessage(['x', [1, new Foo()]])).toContain('argument 2[1] is a Foo instance');
    });
  });

  describe('restoring what no serializer wrote', () => {
    it('raises MalformedPayloadError, not DeserializationError, for an unknown stored type', async () => {
      const restoring = deserializeArguments([1, { nested: [{ _bl: 'Nope', v: 1 }] }]);
      await expect(restoring).rejects.toBeInstanceOf(MalformedPayloadError);
      await expect(restoring).rejects.not.toBeInstanceOf(DeserializationError);
      await expect(restoring).rejects.toThrow('malformed payload: a stored argument has unknown type "Nope"');
    });
  });

  describe('records by reference', () => {
    const users = new Map<RecordId, { id: RecordId; name: string }>();
    const locator: RecordLocator = {
      locate(model, id) {
        const found = model === 'User' ? users.get(id) : undefined;
        return Promise.resolve(found ? markRecord({ ...found }, 'User') : null);
      },
    };

    afterEach(() => {
      users.clear();
      setRecordLocator(undefined);
    });

    it('stores a marked record as { model, id } and reloads it through the locator', async () => {
      users.set(7, { id: 7, name: 'Ada (reloaded)' });
      setRecordLocator(locator);
      const user = markRecord({ id: 7, name: 'Ada', password: 'never stored' }, 'User');
      const stored = serializeArguments([user]);
      expect(stored).toEqual([{ _bl: 'Record', v: { model: 'User', id: 7 } }]);
      expect(JSON.stringify(stored)).not.toContain('never stored');
      const [restored] = await deserializeArguments(stored);
      expect(restored).toEqual({ id: 7, name: 'Ada (reloaded)' });
    });

    it('keeps a bigint id as a bigint', async () => {
      users.set(9_007_199_254_740_993n, { id: 9_007_199_254_740_993n, name: 'Big' });
      setRecordLocator(locator);
      const stored = serializeArguments([markRecord({ id: 9_007_199_254_740_993n }, 'User')]);
      const [restored] = await deserializeArguments(JSON.parse(JSON.stringify(stored)) as typeof stored);
      expect(restored).toEqual({ id: 9_007_199_254_740_993n, name: 'Big' });
    });

    it('raises DeserializationError naming the model and id when the record is gone', async () => {
      setRecordLocator(locator);
      const stored = serializeArguments([markRecord({ id: 404 }, 'User')]);
      const restoring = deserializeArguments(stored);
      await expect(restoring).rejects.toBeInstanceOf(DeserializationError);
      await expect(restoring).rejects.toThrow('User with id 404 no longer exists');
    });

    it('refuses a marked record without an id at serialize time', () => {
      const message = serializationMessage(['x', markRecord({ name: 'no id' }, 'User')]);
      expect(message).toContain('argument 2 is a User record without an id');
    });
  });
});
