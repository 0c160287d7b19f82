import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExecutionGuard, formatDuration, WATCHDOG_INTERVAL_MS } from '../../app/framework/timeouts';

/** What a guard aborts: here, the guard itself, as Job#abort does. */
function guarded(timeoutSeconds = 0, touchTimeoutSeconds = 0) {
  const target = { abort: (reason: Error) => guard.reject(reason) };
  const guard: ExecutionGuard = new ExecutionGuard(target, timeoutSeconds, touchTimeoutSeconds);
  return guard;
}

describe('ExecutionGuard.run', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  afterEach(() => {
    expect(unhandled).toEqual([]);
  });

  it('returns what a synchronous perform returns, without a promise', () => {
    const guard = guarded();
    expect(guard.run(() => 42)).toBe(42);
    guard.dispose();
  });

  it("settles with an asynchronous perform's value or error", async () => {
    const guard = guarded();
    await expect(guard.run(() => Promise.resolve('done'))).resolves.toBe('done');
    await expect(guard.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    guard.dispose();
  });

  it('rejects with the abort reason at once, abandoning a perform that ignores it; its later failure is handled', async () => {
    const guard = guarded();
    let fail!: (error: Error) => void;
    const running = guard.run(() => new Promise((_, reject) => (fail = reject)));
    guard.reject(new Error('canceled: by an admin'));
    await expect(running).rejects.toThrow('canceled: by an admin');
    fail(new Error('late failure'));
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('rejects with the reason when the abort came while perform was still running synchronously', async () => {
    const guard = guarded();
    const running = guard.run(() => {
      guard.reject(new Error('timed out after 1s'));
      return new Promise<string>((resolve) => setTimeout(() => resolve('too late'), 10));
    });
    await expect(running).rejects.toThrow('timed out after 1s');
  });

  it('throws the reason without running perform when aborted before', () => {
    const guard = guarded();
    guard.reject(new Error('worker shutting down'));
    let ran = false;
    expect(() => guard.run(() => (ran = true))).toThrow('worker shutting down');
    expect(ran).toBe(false);
  });

  it('keeps guards apart: aborting one leaves the other running to its value', async () => {
    const first = guarded();
    const second = guarded();
    const job = {
      greeting: 'hello',
      perform(name: string, times: number) {
        return Promise.resolve(`${this.greeting} ${name} x${times}`);
      },
    };
    const one = first.run(() => job.perform('ada', 2));
    const two = second.run(() => job.perform('bob', 1));
    second.reject(new Error('canceled: bob'));
    await expect(one).resolves.toBe('hello ada x2');
    await expect(two).rejects.toThrow('canceled: bob');
    first.dispose();
  });

  it('honours thenables that are not native promises', async () => {
    const guard = guarded();
    const thenable = { then: (resolve: (value: string) => void) => resolve('from a thenable') };
    await expect(guard.run(() => thenable)).resolves.toBe('from a thenable');
    guard.dispose();
  });
});

describe('the watchdog', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out, in one sweep, every guard past its deadline (each abort unlinks its guard mid-sweep) and spares the rest', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const aborted: string[] = [];
    const make = (name: string, timeoutSeconds: number) => {
      const target = {
        abort: (reason: Error) => {
          aborted.push(`${name}: ${reason.message}`);
          guard.reject(reason);
        },
      };
      const guard: ExecutionGuard = new ExecutionGuard(target, timeoutSeconds, 0);
      return guard;
    };
    const late = make('late', 3600);
    const quick = ['a', 'b', 'c'].map((name) => make(name, 0.05));
    vi.advanceTimersByTime(WATCHDOG_INTERVAL_MS);
    expect(aborted.sort()).toEqual([
      'a: timed out after 50ms',
      'b: timed out after 50ms',
      'c: timed out after 50ms',
    ]);
    vi.advanceTimersByTime(5 * WATCHDOG_INTERVAL_MS);
    expect(aborted).toHaveLength(3);
    quick.forEach((guard) => guard.dispose());
    late.dispose();
    // Idle for ten sweeps, the watchdog stops (here: before the fake clock goes).
    vi.advanceTimersByTime(11 * WATCHDOG_INTERVAL_MS);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('formatDuration', () => {
  it('writes durations the way the timeout messages show them', () => {
    expect([0.25, 45, 600, 5400, 86400].map(formatDuration)).toEqual(['250ms', '45s', '10m', '1h30m', '24h']);
  });
});
