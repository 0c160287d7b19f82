import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  configureBacklot,
  DeserializationError,
  InlineAdapter,
  Job,
  JobOptionsError,
  markRecord,
  setRecordLocator,
  type ErrorClass,
  type RetryOnOptions,
} from '../../app/framework/index';
import { settingsOf } from '../../app/framework/class-settings';
import { discardHandler, maxAttempts, retryDelayMs, retryHandler } from '../../app/framework/exceptions';
import { performEnqueuedJobs, useTestAdapter } from '../../app/framework/testing/test-helper';

class FlakyError extends Error {
  override name = 'FlakyError';
}
class SpecificError extends Error {
  override name = 'SpecificError';
}
class MoreSpecificError extends SpecificError {
  override name = 'MoreSpecificError';
}

/** Runs per job key; each test uses its own keys. */
const runs = new Map<string, number>();
const discards: { job: Job; error: unknown; via: string }[] = [];

function countRun(key: string): number {
  const n = (runs.get(key) ?? 0) + 1;
  runs.set(key, n);
  return n;
}

class FlakyJob extends Job {
  static override jobName = 'ExceptionsTest_Flaky';
  static {
    this.retryOn(FlakyError, { attempts: 3, wait: 3600 });
    this.afterDiscard((job, error) => {
      discards.push({ job, error, via: 'afterDiscard' });
    });
  }
  perform(key: string, failures: number) {
    const n = countRun(key);
    if (n <= failures) throw new FlakyError(`flaky run ${n}`);
    return `ok after ${n}`;
  }
}

/** retryOn(Error) first, discardOn(SpecificError) later: the later, narrower handler wins. */
class LayeredJob extends Job {
  static override jobName = 'ExceptionsTest_Layered';
  static {
    this.retryOn(Error, { attempts: 2, wait: 0 });
    this.discardOn(SpecificError);
  }
  perform(key: string, kind: 'specific' | 'more specific' | 'generic') {
    countRun(key);
    if (kind === 'specific') throw new SpecificError('specific');
    if (kind === 'more specific') throw new MoreSpecificError('more specific');
    throw new Error('generic');
  }
}

/** The same handlers declared the other way round: retryOn(Error) now claims SpecificError too. */
class ReversedJob extends Job {
  static override jobName = 'ExceptionsTest_Reversed';
  static {
    this.discardOn(SpecificError);
    this.retryOn(Error, { attempts: 2, wait: 0 });
  }
  perform(key: string) {
    countRun(key);
    throw new SpecificError('specific');
  }
}

abstract class RetryingParentJob extends Job {
  static {
    this.retryOn(Error, { attempts: 3, wait: 0 });
  }
}

class DiscardingChildJob extends RetryingParentJob {
  static override jobName = 'ExceptionsTest_DiscardingChild';
  static {
    this.discardOn(SpecificError, (job, error) => {
      discards.push({ job, error, via: 'discardOn' });
    });
    this.afterDiscard((job, error) => {
      discards.push({ job, error, via: 'afterDiscard' });
    });
  }
  perform(key: string, kind: 'specific' | 'generic') {
    countRun(key);
    throw kind === 'specific' ? new SpecificError(`specific in ${key}`) : new Error(`generic in ${key}`);
  }
}

class UnhandledJob extends Job {
  static override jobName = 'ExceptionsTest_Unhandled';
  static {
    this.retryOn(FlakyError);
    this.afterDiscard((job, error) => {
      discards.push({ job, error, via: 'afterDiscard' });
    });
  }
  perform(key: string) {
    countRun(key);
    throw new TypeError('not handled');
  }
}

class ExhaustedJob extends Job {
  static override jobName = 'ExceptionsTest_Exhausted';
  static {
    this.retryOn(FlakyError, {
      attempts: 2,
      wait: 0,
      onExhausted: (job, error) => {
        discards.push({ job, error, via: 'onExhausted' });
      },
    });
    this.afterDiscard((job, error) => {
      discards.push({ job, error, via: 'afterDiscard' });
    });
  }
  perform(key: string) {
    throw new FlakyError(`run ${countRun(key)}`);
  }
}

/** As jobs/application-job.ts: a job whose record vanished is discarded. */
abstract class AppJob extends Job {
  static {
    this.discardOn(DeserializationError);
  }
}

class TouchPostJob extends AppJob {
  static override jobName = 'ExceptionsTest_TouchPost';
  static {
    this.afterDiscard((job, error) => {
      discards.push({ job, error, via: 'afterDiscard' });
    });
  }
  perform(post: { id: number }) {
    countRun(`post ${post.id}`);
    return post.id;
  }
}

const posts = new Set<number>();

/** Every class the specs below run; "with an aroundPerform" wraps each one's perform in `around`. */
const SPEC_CLASSES = [
  FlakyJob,
  LayeredJob,
  ReversedJob,
  DiscardingChildJob,
  UnhandledJob,
  ExhaustedJob,
  TouchPostJob,
];
let aroundCalls = 0;
const around = async (_job: Job, next: () => Promise<void>) => {
  aroundCalls += 1;
  await next();
};

// The same specs with and without a perform callback: executeJob's two shapes held to one behaviour.
describe.each([
  ['without perform callbacks', false],
  ['with an aroundPerform', true],
])('retryOn / discardOn, %s', (_shape, withAround) => {
  beforeEach(() => {
    aroundCalls = 0;
    if (withAround) for (const cls of SPEC_CLASSES) cls.aroundPerform(around);
  });

  afterEach(() => {
    const performs = [...runs.values()].reduce((sum, n) => sum + n, 0);
    // Each perform ran inside the around callback exactly once (or, without it, none did).
    expect(aroundCalls).toBe(withAround ? performs : 0);
    for (const cls of SPEC_CLASSES) {
      const list = settingsOf(cls).callbacks.aroundPerform;
      const at = list.indexOf(around);
      if (at >= 0) list.splice(at, 1);
    }
  });

  beforeEach(() => {
    runs.clear();
    discards.length = 0;
    posts.clear();
    configureBacklot({ queues: [] });
    setRecordLocator({
      locate: (model, id) =>
        Promise.resolve(
          model === 'Post' && posts.has(Number(id)) ? markRecord({ id: Number(id) }, 'Post') : null,
        ),
    });
  });

  afterEach(() => {
    setRecordLocator(undefined);
  });

  describe('with the inline adapter', () => {
    beforeEach(() => {
      configureBacklot({ adapter: new InlineAdapter() });
    });

    it('retries at once (ignoring wait) until perform succeeds', async () => {
      const job = await FlakyJob.performLater('twice', 2);
      expect(runs.get('twice')).toBe(3);
      expect(job.successfullyEnqueued).toBe(true);
      expect(discards).toEqual([]);
    });

    it('fails after `attempts` runs, rethrowing the error from performLater', async () => {
      await expect(FlakyJob.performLater('always', 99)).rejects.toThrow(new FlakyError('flaky run 3'));
      expect(runs.get('always')).toBe(3);
    });

    it('runs afterDiscard with the job and the error once retries are exhausted', async () => {
      await expect(FlakyJob.performLater('exhausted', 99)).rejects.toThrow(FlakyError);
      expect(discards).toHaveLength(1);
      const [discard] = discards;
      expect(discard?.job).toBeInstanceOf(FlakyJob);
      expect(discard?.job.arguments).toEqual(['exhausted', 99]);
      expect(discard?.job.executions).toBe(3);
      expect(discard?.error).toEqual(new FlakyError('flaky run 3'));
    });

    it('picks the most recently declared matching handler: discardOn(SpecificError) after retryOn(Error)', async () => {
      await LayeredJob.performLater('specific', 'specific');
      expect(runs.get('specific')).toBe(1);

      await LayeredJob.performLater('subclass', 'more specific');
      expect(runs.get('subclass')).toBe(1);

      await expect(LayeredJob.performLater('generic', 'generic')).rejects.toThrow('generic');
      expect(runs.get('generic')).toBe(2);
    });

    it('lets retryOn(Error) claim SpecificError when it is declared after discardOn(SpecificError)', async () => {
      await expect(ReversedJob.performLater('reversed')).rejects.toThrow(SpecificError);
      expect(runs.get('reversed')).toBe(2);
    });

    it('matches handlers through the class hierarchy: the child’s discardOn before the parent’s retryOn', async () => {
      await DiscardingChildJob.performLater('child-specific', 'specific');
      expect(runs.get('child-specific')).toBe(1);
      expect(discards.map((d) => d.via)).toEqual(['discardOn', 'afterDiscard']);
      for (const discard of discards) {
        expect(discard.job).toBeInstanceOf(DiscardingChildJob);
        expect(discard.job.arguments).toEqual(['child-specific', 'specific']);
        expect(discard.error).toEqual(new SpecificError('specific in child-specific'));
      }

      discards.length = 0;
      await expect(DiscardingChildJob.performLater('child-generic', 'generic')).rejects.toThrow(
        'generic in child-generic',
      );
      expect(runs.get('child-generic')).toBe(3);
      expect(discards.map((d) => d.via)).toEqual(['afterDiscard']);
    });

    it('fails at once on an error no handler claims, running afterDiscard', async () => {
      await expect(UnhandledJob.performLater('unhandled')).rejects.toThrow(new TypeError('not handled'));
      expect(runs.get('unhandled')).toBe(1);
      expect(discards).toHaveLength(1);
      expect(discards[0]?.error).toBeInstanceOf(TypeError);
      expect(discards[0]?.job).toBeInstanceOf(UnhandledJob);
    });

    it('calls onExhausted instead of failing once retries are exhausted, then afterDiscard', async () => {
      const job = await ExhaustedJob.performLater('exhaust');
      expect(job.successfullyEnqueued).toBe(true);
      expect(runs.get('exhaust')).toBe(2);
      expect(discards.map((d) => d.via)).toEqual(['onExhausted', 'afterDiscard']);
      expect(discards[0]?.job).toBeInstanceOf(ExhaustedJob);
      expect(discards[0]?.error).toEqual(new FlakyError('run 2'));
    });

    it('discards a job whose record argument vanished before it ran (ApplicationJob policy)', async () => {
      posts.add(1);
      posts.add(2);
      expect(await TouchPostJob.performNow(markRecord({ id: 1 }, 'Post'))).toBe(1);

      const post = markRecord({ id: 2 }, 'Post');
      posts.delete(2);
      await TouchPostJob.performLater(post);
      expect(runs.get('post 2')).toBeUndefined();
      expect(discards).toHaveLength(1);
      expect(discards[0]?.error).toBeInstanceOf(DeserializationError);
      expect(String(discards[0]?.error)).toContain('Post with id 2 no longer exists');
    });
  });

  describe('with performEnqueuedJobs', () => {
    beforeEach(() => {
      useTestAdapter();
    });

    it('performs the retries of a job until it succeeds', async () => {
      await FlakyJob.performLater('queued-twice', 2);
      expect(await performEnqueuedJobs()).toBe(3);
      expect(runs.get('queued-twice')).toBe(3);
    });

    it('rethrows the error once retries are exhausted, after running afterDiscard', async () => {
      await FlakyJob.performLater('queued-always', 99);
      await expect(performEnqueuedJobs()).rejects.toThrow(new FlakyError('flaky run 3'));
      expect(runs.get('queued-always')).toBe(3);
      expect(discards.map((d) => d.via)).toEqual(['afterDiscard']);
    });

    it('discards by the most specific declared handler and retries the rest', async () => {
      await LayeredJob.performLater('queued-specific', 'specific');
      expect(await performEnqueuedJobs()).toBe(1);
      await LayeredJob.performLater('queued-generic', 'generic');
      await expect(performEnqueuedJobs()).rejects.toThrow('generic');
      expect(runs.get('queued-generic')).toBe(2);
    });

    it('discards a job whose record vanished between enqueue and perform', async () => {
      posts.add(3);
      const post = markRecord({ id: 3 }, 'Post');
      await TouchPostJob.performLater(post);
      posts.delete(3);
      expect(await performEnqueuedJobs()).toBe(1);
      expect(runs.get('post 3')).toBeUndefined();
      expect(discards[0]?.error).toBeInstanceOf(DeserializationError);
    });

    it('calls onExhausted and completes without an error', async () => {
      await ExhaustedJob.performLater('queued-exhaust');
      expect(await performEnqueuedJobs()).toBe(2);
      expect(discards.map((d) => d.via)).toEqual(['onExhausted', 'afterDiscard']);
    });
  });
});

describe('retryDelayMs', () => {
  const error = new Error('x');

  it('waits a fixed number of seconds without jitter', () => {
    expect(retryDelayMs(3, 1, 0, error)).toBe(3_000);
    expect(retryDelayMs(3, 4, 0, error)).toBe(3_000);
    expect(retryDelayMs(0, 1, 0.15, error)).toBe(0);
  });

  it('adds up to `jitter` of the delay at random', () => {
    expect(retryDelayMs(10, 1, 0.15, error, () => 0)).toBe(10_000);
    expect(retryDelayMs(10, 1, 0.15, error, () => 0.5)).toBe(10_750);
    expect(retryDelayMs(10, 1, 0.15, error, () => 1)).toBe(11_500);
  });

  it('waits executions^4 + 2 seconds for polynomiallyLonger', () => {
    const noJitter = () => 0;
    expect(retryDelayMs('polynomiallyLonger', 1, 0.15, error, noJitter)).toBe(3_000);
    expect(retryDelayMs('polynomiallyLonger', 2, 0.15, error, noJitter)).toBe(18_000);
    expect(retryDelayMs('polynomiallyLonger', 3, 0.15, error, noJitter)).toBe(83_000);
    expect(retryDelayMs('polynomiallyLonger', 5, 0.15, error, noJitter)).toBe(627_000);
  });

  it('bounds the polynomiallyLonger jitter by jitter * executions^4', () => {
    expect(retryDelayMs('polynomiallyLonger', 2, 0.15, error, () => 1)).toBe(20_400);
    expect(retryDelayMs('polynomiallyLonger', 2, 0, error, () => 1)).toBe(18_000);
  });

  it('calls a wait function with the executions and the error, adding no jitter', () => {
    const calls: [number, Error][] = [];
    const wait = (executions: number, e: Error) => {
      calls.push([executions, e]);
      return executions * 1.5;
    };
    expect(retryDelayMs(wait, 4, 0.15, error, () => 1)).toBe(6_000);
    expect(calls).toEqual([[4, error]]);
  });

  it('never returns a negative delay', () => {
    expect(retryDelayMs(() => -5, 1, 0, error)).toBe(0);
  });
});

describe('maxAttempts', () => {
  it('is one run when the class retries nothing', () => {
    expect(maxAttempts([])).toBe(1);
    expect(maxAttempts([discardHandler([SpecificError])])).toBe(1);
  });

  it('adds the retries every retryOn handler allows to the first run', () => {
    const handlers = [
      retryHandler([FlakyError], { attempts: 3 }),
      discardHandler([SpecificError]),
      retryHandler([TypeError, RangeError], { attempts: 5 }),
    ];
    expect(maxAttempts(handlers)).toBe(1 + 2 + 4);
    expect(maxAttempts([retryHandler([FlakyError])])).toBe(5);
  });
});

describe('retryOn / discardOn declarations', () => {
  it('refuse invalid options with a JobOptionsError', () => {
    expect(() => retryHandler([FlakyError], { attempts: 0 })).toThrow(JobOptionsError);
    expect(() => retryHandler([FlakyError], { attempts: 1.5 })).toThrow(/attempts must be a whole number/);
    expect(() => retryHandler([FlakyError], { wait: -1 })).toThrow(/wait must be seconds >= 0/);
    expect(() => retryHandler([FlakyError], { jitter: -0.1 })).toThrow(/jitter must be >= 0/);
    expect(() => retryHandler([])).toThrow(/retryOn needs at least one error class/);
    expect(() => discardHandler([])).toThrow(/discardOn needs at least one error class/);
  });

  it.each([
    [
      'a wait word it does not know',
      { wait: 'polynomially_longer' },
      `retryOn wait must be seconds >= 0, 'polynomiallyLonger' or a function, got "polynomially_longer"`,
    ],
    ['a wait in a string', { wait: '5' }, 'retryOn wait must be seconds >= 0'],
    ['an infinite wait', { wait: Infinity }, 'retryOn wait must be seconds >= 0'],
    ['an infinite jitter', { jitter: Infinity }, 'retryOn jitter must be >= 0, got Infinity'],
    [
      'a misspelt option',
      { attemps: 3 },
      'retryOn has no option "attemps" (options: attempts, wait, jitter, onExhausted)',
    ],
    [
      'an onExhausted that is no function',
      { onExhausted: 'log' },
      'retryOn onExhausted must be a function, got string',
    ],
    ['options that are no object', 3, 'retryOn options must be an object'],
  ])('refuses %s at declaration, naming it', (_what, options, message) => {
    const declaring = () => retryHandler([FlakyError], options as RetryOnOptions);
    expect(declaring).toThrow(JobOptionsError);
    expect(declaring).toThrow(message);
  });

  it.each([
    ['a predicate', (error: unknown) => error instanceof FlakyError, 'got an anonymous function'],
    ['a class that is no Error', String, 'got function String'],
  ])('refuses %s where an error class belongs, for retryOn and discardOn', (_what, notAClass, shown) => {
    const list = [notAClass] as unknown as ErrorClass[];
    expect(() => retryHandler(list)).toThrow(`retryOn takes error classes (Error or a subclass), ${shown}`);
    expect(() => discardHandler(list)).toThrow(
      `discardOn takes error classes (Error or a subclass), ${shown}`,
    );
  });

  it('accepts Error itself and its subclasses', () => {
    expect(retryHandler([Error, FlakyError, MoreSpecificError]).errorClasses).toHaveLength(3);
  });

  it('refuses a discardOn handler that is no function', () => {
    const handle = { attempts: 1 } as unknown as () => void;
    expect(() => discardHandler([FlakyError], handle)).toThrow(
      'discardOn handler must be a function, got object',
    );
  });
});
