import { beforeEach, describe, expect, it } from 'vitest';
import {
  configureBacklot,
  EnqueueAtNotSupportedError,
  InlineAdapter,
  Job,
} from '../../../app/framework/index';

const performed: { args: unknown[]; sameInstance: boolean }[] = [];
let enqueuedInstance: Job | undefined;

class RecordJob extends Job {
  static override jobName = 'InlineTest_Record';
  perform(when: Date, ids: Set<number>) {
    performed.push({ args: [when, ids], sameInstance: this === enqueuedInstance });
    return ids.size;
  }
}

class BrokenJob extends Job {
  static override jobName = 'InlineTest_Broken';
  perform() {
    throw new RangeError('broken');
  }
}

describe('InlineAdapter', () => {
  beforeEach(() => {
    performed.length = 0;
    enqueuedInstance = undefined;
    configureBacklot({ adapter: new InlineAdapter(), queues: [] });
  });

  it('performs the job before performLater resolves, on a fresh copy with round-tripped arguments', async () => {
    const when = new Date('2024-01-01T00:00:00Z');
    const built = RecordJob.build(when, new Set([1, 2]));
    enqueuedInstance = built;
    expect(await built.enqueue()).toBe(true);
    expect(built.successfullyEnqueued).toBe(true);
    expect(performed).toHaveLength(1);
    const [run] = performed;
    expect(run?.sameInstance).toBe(false);
    expect(run?.args[0]).toEqual(when);
    expect(run?.args[0]).not.toBe(when);
    expect(run?.args[1]).toEqual(new Set([1, 2]));
  });

  it('throws an unhandled failure to the caller of performLater', async () => {
    const enqueuing = BrokenJob.performLater();
    await expect(enqueuing).rejects.toBeInstanceOf(RangeError);
    await expect(enqueuing).rejects.toThrow('broken');
  });

  it('refuses a job for later with EnqueueAtNotSupportedError, without running it', async () => {
    const enqueuing = RecordJob.set({ wait: 60 }).performLater(new Date(), new Set());
    await expect(enqueuing).rejects.toBeInstanceOf(EnqueueAtNotSupportedError);
    await expect(enqueuing).rejects.toThrow('the inline adapter cannot run InlineTest_Record later');
    expect(performed).toEqual([]);
  });

  it('runs a job whose waitUntil has already passed at once', async () => {
    await RecordJob.set({ waitUntil: new Date(0) }).performLater(new Date(0), new Set([3]));
    expect(performed).toHaveLength(1);
  });
});
