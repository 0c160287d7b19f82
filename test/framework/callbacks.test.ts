import { beforeEach, describe, expect, it } from 'vitest';
import { configureBacklot, InlineAdapter, Job, type TestAdapter } from '../../app/framework/index';
import { performEnqueuedJobs, useTestAdapter } from '../../app/framework/testing/test-helper';

const trace: string[] = [];

class TracedJob extends Job {
  static override jobName = 'CallbacksTest_Traced';
  static {
    this.beforeEnqueue(() => {
      trace.push('before enqueue');
    });
    this.aroundEnqueue(async (_job, next) => {
      trace.push('around enqueue: start');
      await next();
      trace.push('around enqueue: end');
    });
    this.afterEnqueue(() => {
      trace.push('after enqueue');
    });
    this.beforePerform(() => {
      trace.push('before perform');
    });
    this.aroundPerform(async (_job, next) => {
      trace.push('around perform: start');
      await next();
      trace.push('around perform: end');
    });
    this.afterPerform(() => {
      trace.push('after perform');
    });
  }

  perform(label: string) {
    trace.push(`perform ${label}`);
  }
}

class NestedAroundJob extends Job {
  static override jobName = 'CallbacksTest_NestedAround';
  static {
    for (const name of ['outer', 'middle', 'inner']) {
      this.aroundPerform(async (_job, next) => {
        trace.push(`${name} in`);
        await next();
        trace.push(`${name} out`);
      });
    }
  }
  perform() {
    trace.push('perform');
  }
}

class HaltedEnqueueJob extends Job {
  static override jobName = 'CallbacksTest_HaltedEnqueue';
  static {
    this.beforeEnqueue(() => {
      trace.push('first before enqueue');
      return false;
    });
    this.beforeEnqueue(() => {
      trace.push('second before enqueue');
    });
    this.aroundEnqueue(async (_job, next) => {
      trace.push('around enqueue');
      await next();
    });
    this.afterEnqueue(() => {
      trace.push('after enqueue');
    });
  }
  perform() {
    trace.push('perform');
  }
}

class HaltedPerformJob extends Job {
  static override jobName = 'CallbacksTest_HaltedPerform';
  static {
    this.beforePerform((job: HaltedPerformJob) => job.arguments[0] !== 'halt');
    this.afterPerform(() => {
      trace.push('after perform');
    });
  }
  perform(mode: string) {
    trace.push(`perform ${mode}`);
    return mode;
  }
}

abstract class ParentJob extends Job {
  static {
    this.beforePerform(() => {
      trace.push('parent before');
    });
    this.afterPerform(() => {
      trace.push('parent after');
    });
  }
}

class ChildJob extends ParentJob {
  static override jobName = 'CallbacksTest_Child';
  static {
    this.beforePerform(() => {
      trace.push('child before');
    });
    this.afterPerform(() => {
      trace.push('child after');
    });
  }
  perform() {
    trace.push('child perform');
  }
}

class SiblingJob extends ParentJob {
  static override jobName = 'CallbacksTest_Sibling';
  perform() {
    trace.push('sibling perform');
  }
}

describe('enqueue and perform callbacks', () => {
  let adapter: TestAdapter;

  beforeEach(() => {
    trace.length = 0;
    adapter = useTestAdapter();
    configureBacklot({ queues: [] });
  });

  it('run before, around and after the enqueue, in that order', async () => {
    await TracedJob.performLater('a');
    expect(trace).toEqual([
      'before enqueue',
      'around enqueue: start',
      'around enqueue: end',
      'after enqueue',
    ]);
    expect(adapter.enqueued).toHaveLength(1);
  });

  it('run before, around and after perform when the job is performed', async () => {
    await TracedJob.performLater('a');
    trace.length = 0;
    await performEnqueuedJobs();
    expect(trace).toEqual([
      'before perform',
      'around perform: start',
      'perform a',
      'around perform: end',
      'after perform',
    ]);
  });

  it('wrap the adapter call and perform with the inline adapter, enqueue callbacks outermost', async () => {
    configureBacklot({ adapter: new InlineAdapter() });
    await TracedJob.performLater('b');
    expect(trace).toEqual([
      'before enqueue',
      'around enqueue: start',
      'before perform',
      'around perform: start',
      'perform b',
      'around perform: end',
      'after perform',
      'around enqueue: end',
      'after enqueue',
    ]);
  });

  it('nest around callbacks with the first declared outermost', async () => {
    await NestedAroundJob.performNow();
    expect(trace).toEqual([
      'outer in',
      'middle in',
      'inner in',
      'perform',
      'inner out',
      'middle out',
      'outer out',
    ]);
  });

  describe('a before callback returning false', () => {
    it('halts the enqueue: later callbacks skip, nothing is enqueued, the job says so', async () => {
      const job = await HaltedEnqueueJob.performLater();
      expect(job.successfullyEnqueued).toBe(false);
      expect(trace).toEqual(['first before enqueue']);
      expect(adapter.enqueued).toEqual([]);
    });

    it('halts perform: perform and after callbacks do not run', async () => {
      expect(await HaltedPerformJob.performNow('halt')).toBeUndefined();
      expect(trace).toEqual([]);
      expect(await HaltedPerformJob.performNow('go')).toBe('go');
      expect(trace).toEqual(['perform go', 'after perform']);
    });

    it('halts perform for an enqueued job too, which then counts as done', async () => {
      await HaltedPerformJob.performLater('halt');
      expect(await performEnqueuedJobs()).toBe(1);
      expect(trace).toEqual([]);
    });
  });

  describe('inheritance', () => {
    it('a subclass runs its parent callbacks first, then its own', async () => {
      await ChildJob.performNow();
      expect(trace).toEqual([
        'parent before',
        'child before',
        'child perform',
        'parent after',
        'child after',
      ]);
    });

    it('a subclass’s callbacks do not leak to its siblings', async () => {
      await SiblingJob.performNow();
      expect(trace).toEqual(['parent before', 'sibling perform', 'parent after']);
    });
  });
});
