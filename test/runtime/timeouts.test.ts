/**
 * Job timeouts in a worker (in this process, on real Redis):
 * - `static timeout`: perform running longer is aborted and the job fails "timed out after …";
 * - `static touchTimeout`: perform that neither reports progress nor calls touch() for that long
 *   fails "no progress for …"; one that touches in time runs as long as it needs and completes.
 * Each spec runs twice: the classes as they are, and subclasses wrapping perform in an
 * aroundPerform (executeJob's callback shape), held to the same results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job, startWorker, type RunningWorker } from '../../app/framework/index';
import { sleep, useBacklot, useWorkerScope, waitUntil } from './support';

class SlowJob extends Job {
  static override jobName = 'Timeouts.SlowJob';
  static override timeout = 0.3;
  async perform(ms: number): Promise<string> {
    await sleep(ms); // ignores its signal: the worker must not wait for it
    return 'finished';
  }
}

class SilentJob extends Job {
  static override jobName = 'Timeouts.SilentJob';
  static override touchTimeout = 0.3;
  async perform(ms: number): Promise<string> {
    await sleep(ms);
    return 'finished';
  }
}

class TouchingJob extends Job {
  static override jobName = 'Timeouts.TouchingJob';
  static override touchTimeout = 0.3;
  async perform(ms: number, everyMs: number): Promise<number> {
    let touches = 0;
    for (let elapsed = 0; elapsed < ms; elapsed += everyMs) {
      await sleep(everyMs);
      this.touch();
      touches += 1;
    }
    return touches;
  }
}

/** Ids of the jobs whose perform ran inside the aroundPerform below. */
const wrappedRuns = new Set<string>();

/** A subclass of `cls` (same timeouts, own job name) whose perform runs inside an aroundPerform. */
function withAround<C extends typeof SlowJob | typeof SilentJob | typeof TouchingJob>(cls: C): C {
  abstract class Wrapped extends (cls as unknown as typeof Job) {
    static override jobName = `${cls.jobName}.Around`;
  }
  Wrapped.aroundPerform(async (job, next) => {
    wrappedRuns.add(job.jobId);
    await next();
  });
  return Wrapped as unknown as C;
}

const SHAPES = [
  {
    shape: 'without perform callbacks',
    around: false,
    slow: SlowJob,
    silent: SilentJob,
    touching: TouchingJob,
  },
  {
    shape: 'with an aroundPerform',
    around: true,
    slow: withAround(SlowJob),
    silent: withAround(SilentJob),
    touching: withAround(TouchingJob),
  },
];

describe('job timeouts in a worker', () => {
  const scope = useWorkerScope('timeouts');
  // One adapter and worker for both shapes (useBacklot configures the framework when called).
  const adapter = useBacklot(
    scope,
    SHAPES.flatMap(({ slow, silent, touching }) => [slow, silent, touching]),
  );
  let worker: RunningWorker;

  beforeAll(() => {
    worker = startWorker({
      queues: ['default'],
      concurrency: 3,
      connection: scope.connection({ worker: true }),
      prefix: scope.prefix,
    });
  });

  afterAll(async () => {
    await worker.close(true);
  });

  describe.each(SHAPES)('$shape', ({ around, slow, silent, touching }) => {
    async function finished(job: Job) {
      const queue = adapter.queue('default');
      const state = await waitUntil(`job ${job.jobClassName} finished`, async () => {
        const s = await queue.getJobState(job.jobId);
        return s === 'completed' || s === 'failed' ? s : undefined;
      });
      const bullJob = await queue.getJob(job.jobId);
      expect(wrappedRuns.has(job.jobId)).toBe(around);
      return {
        state,
        reason: bullJob?.failedReason,
        result: bullJob?.returnvalue as unknown,
        attempts: bullJob?.attemptsMade,
      };
    }

    it('fails a job running past `static timeout = 0.3` with "timed out after 300ms"', async () => {
      const job = await slow.performLater(3_000);
      expect(await finished(job)).toMatchObject({
        state: 'failed',
        reason: 'timed out after 300ms',
        attempts: 1,
      });
    });

    it('fails a job that does not touch within `static touchTimeout = 0.3` with "no progress for 300ms"', async () => {
      const job = await silent.performLater(3_000);
      expect(await finished(job)).toMatchObject({
        state: 'failed',
        reason: 'no progress for 300ms',
        attempts: 1,
      });
    });

    it('completes a job that runs 1 s but calls touch() every 100 ms', async () => {
      const job = await touching.performLater(1_000, 100);
      expect(await finished(job)).toMatchObject({ state: 'completed', result: 10 });
    });
  });
});
