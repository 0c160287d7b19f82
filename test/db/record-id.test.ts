import { describe, expect, it } from 'vitest';
import { isRecordId, MAX_RECORD_ID } from '../../app/db/record-id';

describe('isRecordId', () => {
  it('accepts the integers a PostgreSQL integer id holds, 1 to 2^31-1, and nothing else', () => {
    expect(MAX_RECORD_ID).toBe(2 ** 31 - 1);
    for (const id of [1, 42, MAX_RECORD_ID]) expect(isRecordId(id), String(id)).toBe(true);
    for (const id of [0, -1, MAX_RECORD_ID + 1, 1.5, Number.NaN, Infinity, 1e20, '1', 1n, undefined])
      expect(isRecordId(id), String(id)).toBe(false);
  });
});
