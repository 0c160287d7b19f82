import { describe, expect, it } from 'vitest';
import { configureBacklot, executeJob, InlineAdapter, Job } from '../../app/framework/index';

class ThrowsStringJob extends Job {
  perform(): void {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the mistake under test
    throw 'boom';
  }
}

class RejectsObjectJob extends Job {
  async perform(): Promise<void> {
    await Promise.resolve();
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the mistake under test
    throw { code: 42 };
  }
}

class ThrowsUndefinedJob extends Job {
  perform(): void {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the mistake under test
    throw undefined;
  }
}

async function failure(job: Job): Promise<Error> {
  configureBacklot({ adapter: new InlineAdapter() });
  const outcome = await executeJob(job);
  if (outcome.status !== 'failed') throw new Error(`expected a failure, got ${outcome.status}`);
  return outcome.error;
}

describe('executing a job that throws something other than an Error', () => {
  it('fails with "X.perform threw a string (throw an Error)" and the value', async () => {
    const error = await failure(ThrowsStringJob.build());
    expect(error.message).toBe('ThrowsStringJob.perform threw a string (throw an Error): "boom"');
  });

  it('names an object a rejected promise carried, shown as JSON', async () => {
    const error = await failure(RejectsObjectJob.build());
    expect(error.message).toBe('RejectsObjectJob.perform threw an object (throw an Error): {"code":42}');
  });

  it('names undefined without a value', async () => {
    const error = await failure(ThrowsUndefinedJob.build());
    expect(error.message).toBe('ThrowsUndefinedJob.perform threw undefined (throw an Error)');
  });

  it("gives a stack that starts in the job's file, with no framework frame", async () => {
    const error = await failure(ThrowsStringJob.build());
    const frames = (error.stack ?? '').split('\n').slice(1);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatch(
      /^ {4}at ThrowsStringJob\.perform \(file:\/\/.*\/test\/framework\/execution\.test\.ts:\d+:\d+\)$/,
    );
  });

  it('keeps an Error as thrown, with its own stack', async () => {
    class ThrowsErrorJob extends Job {
      perform(): void {
        throw new RangeError('out of range');
      }
    }
    const error = await failure(ThrowsErrorJob.build());
    expect(error).toBeInstanceOf(RangeError);
    expect(error.stack).toContain('ThrowsErrorJob.perform');
  });
});
