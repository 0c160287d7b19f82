/**
 * The concurrency-key scripts on real Redis: slots per key, a holder's rerun keeping its slot,
 * expiry of a dead holder's slot, parking that notices a slot freed meanwhile, and release
 * handing over the next parked job; plus the declaration's validation.
 */
import { describe, expect, it } from 'vitest';
import { concurrencyLimit } from '../../../app/framework/concurrency/limit';
import { ConcurrencySemaphore, semaphoreKeys } from '../../../app/framework/concurrency/semaphore';
import { JobOptionsError } from '../../../app/framework/index';
import { useRedisPrefix } from '../../support/redis';

describe('ConcurrencySemaphore', () => {
  const scope = useRedisPrefix('semaphore');
  const semaphore = () => new ConcurrencySemaphore(scope.connection());
  const keys = (name: string) => semaphoreKeys(scope.prefix, 'default', name);

  it('gives at most `to` slots per key, keeps a holder its slot on a rerun, and keys apart', async () => {
    const s = semaphore();
    const k = keys('a');
    expect(await s.acquire(k, 'j1', 2, 60_000)).toBe(true);
    expect(await s.acquire(k, 'j2', 2, 60_000)).toBe(true);
    expect(await s.acquire(k, 'j3', 2, 60_000)).toBe(false);
    expect(await s.acquire(k, 'j1', 2, 60_000)).toBe(true); // the same job again (rerun after a crash)
    expect(await s.acquire(keys('b'), 'j3', 2, 60_000)).toBe(true);
    expect((await s.holders(k)).sort()).toEqual(['j1', 'j2']);
  });

  it('frees a slot whose holder never released it once its duration passed', async () => {
    const s = semaphore();
    const k = keys('expiring');
    expect(await s.acquire(k, 'dead', 1, 200)).toBe(true);
    expect(await s.acquire(k, 'next', 1, 200)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await s.acquire(k, 'next', 1, 200)).toBe(true);
  });

  it('parks only while the key is full, and release hands over parked jobs in order', async () => {
    const s = semaphore();
    const k = keys('parking');
    expect(await s.acquire(k, 'holder', 1, 60_000)).toBe(true);
    expect(await s.park(k, 'p1', 1, 60_000)).toBe(false);
    expect(await s.park(k, 'p2', 1, 60_000)).toBe(false);
    expect(await s.release(k, 'holder')).toBe('p1');
    // A slot is free now: a job parking at this moment is told to promote itself.
    expect(await s.park(k, 'p3', 1, 60_000)).toBe(true);
    expect(await s.release(k, '')).toBe('p2');
    expect(await s.release(k, '')).toBeNull();
  });
});

describe('limitsConcurrency options', () => {
  const key = () => 'k';

  it('fills the defaults: one at a time, 180 s, block', () => {
    expect(concurrencyLimit({ key })).toEqual({ to: 1, key, duration: 180, onConflict: 'block' });
  });

  it('refuses bad options, naming them', () => {
    expect(() => concurrencyLimit({ key, to: 0 })).toThrow(JobOptionsError);
    expect(() => concurrencyLimit({ key, to: 1.5 })).toThrow(
      'limitsConcurrency to must be a whole number >= 1 (got 1.5)',
    );
    expect(() => concurrencyLimit({ key, duration: 0 })).toThrow(
      'limitsConcurrency duration must be seconds > 0 (got 0)',
    );
    expect(() => concurrencyLimit({ key, onConflict: 'drop' as 'discard' })).toThrow(
      "limitsConcurrency onConflict must be 'block' or 'discard' (got drop)",
    );
  });
});
