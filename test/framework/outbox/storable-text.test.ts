import { describe, expect, it } from 'vitest';
import { Job, SerializationError } from '../../../app/framework/index';
import { checkOutboxText } from '../../../app/framework/outbox/storable-text';

class StorableTextJob extends Job {
  perform(..._args: unknown[]) {}
}

/** A job whose arguments are serialized, as enqueuing has done before it stages. */
function built(...args: unknown[]): Job {
  const job = StorableTextJob.build(...args);
  job.serialize();
  return job;
}

describe('text a staged job may carry (outbox rows are jsonb)', () => {
  it('accepts text PostgreSQL stores, emoji (surrogate pairs) included', () => {
    expect(() => checkOutboxText([built('plain', { name: 'déjà vu 🎉' }, ['a', 'b'])])).not.toThrow();
  });

  it('names the path of a NUL character in a value, a key, or inside a serialized Map', () => {
    const message = (job: Job) => {
      try {
        checkOutboxText([job]);
      } catch (error) {
        expect(error).toBeInstanceOf(SerializationError);
        return (error as Error).message.replace(/, which the outbox.*/, '');
      }
      throw new Error('expected checkOutboxText to throw');
    };
    expect(message(built('ok', { user: { name: 'a\u0000' } }))).toBe(
      'argument 2.user.name contains a NUL character (U+0000)',
    );
    expect(message(built({ 'k\u0000': 1 }))).toBe(
      'argument 1 key "k\\u0000" contains a NUL character (U+0000)',
    );
    expect(message(built(new Map([['k', '\uDC00']])))).toBe(
      'argument 1[0][1] contains a lone UTF-16 surrogate',
    );
  });

  it('names the job among several', () => {
    expect(() => checkOutboxText([built('ok'), built('\u0000')])).toThrow(
      'job 2 (StorableTextJob): argument 1 contains a NUL character',
    );
  });
});
