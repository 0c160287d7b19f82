/**
 * Batch in one process on real Redis (the BullMQ adapter, nothing runs the jobs): bad options and
 * ids are refused naming what was wrong; add() registers and enqueues; a job's outcome counts
 * only when final, once per job id; the finishing step run again (a rerun after a crash between
 * the count and the callbacks' enqueue) enqueues each callback once, under its deterministic id;
 * adapters without a batch store refuse batches.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  Batch,
  BatchError,
  BullmqAdapter,
  InlineAdapter,
  NoSuchBatchError,
  batchKeyPattern,
  batchKeys,
  recordBatchOutcome,
  callbackJobId,
  configureBacklot,
  type Job,
  type Outcome,
} from '../../../app/framework/index';
import { QUEUE_NAMES } from '../../../config/queues';
import { BatchCallbackJob, BatchMemberJob } from '../../fixtures/jobs';
import { useRedisPrefix } from '../../support/redis';

describe('Batch', () => {
  const scope = useRedisPrefix('batch');
  const redis = scope.connection();
  const adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
  configureBacklot({ adapter, queues: QUEUE_NAMES });
  afterAll(async () => {
    await adapter.close();
    const keys = await redis.keys(batchKeyPattern(scope.prefix));
    if (keys.length > 0) await redis.unlink(...keys);
  });
  const completed: Outcome = { status: 'completed', result: undefined };

  it('refuses bad options and ids, naming what was wrong', async () => {
    expect(() => Batch.create({ onSucces: BatchCallbackJob.build('k', 'x') } as never)).toThrow(
      'unknown batch option onSucces (known: description, onSuccess, onComplete, onDiscard)',
    );
    expect(() => Batch.create({ onSuccess: BatchCallbackJob as never })).toThrow(
      'batch option onSuccess must be a built job, e.g. ReportJob.build(day) (got the class BatchCallbackJob)',
    );
    expect(() => Batch.create({ description: 5 as never })).toThrow(
      'batch option description must be a string (got a number)',
    );
    expect(() => Batch.of('nope')).toThrow(BatchError);
    await expect(Batch.create().add([])).rejects.toThrow('batch.add takes a non-empty array');
    await expect(Batch.create().add([{} as Job])).rejects.toThrow('batch.add: job 1 is not a built job');
    await expect(Batch.status(Batch.create().id)).rejects.toThrow(NoSuchBatchError);
    await expect(Batch.of(Batch.create().id).add([BatchMemberJob.build('k', 'm', 'ok')])).rejects.toThrow(
      NoSuchBatchError,
    );
  });

  it('counts final outcomes once per job, and enqueues each callback once when the finish runs again', async () => {
    const key = `${scope.prefix}:count`;
    const batch = Batch.create({
      description: 'two',
      onSuccess: BatchCallbackJob.build(key, 'onSuccess'),
      onComplete: BatchCallbackJob.build(key, 'onComplete'),
    });
    const jobs = [BatchMemberJob.build(key, 'a', 'ok'), BatchMemberJob.build(key, 'b', 'ok')];
    expect(await batch.add(jobs)).toBe(2);
    const [a, b] = jobs as [Job, Job];
    expect(a.batchId).toBe(batch.id);
    expect((await adapter.queue('default').getJob(a.jobId))?.data).toMatchObject({ batchId: batch.id });
    expect(await Batch.status(batch.id)).toMatchObject({ total: 2, pending: 2, succeeded: 0 });

    // A retry is not final: nothing counted.
    await recordBatchOutcome(a, { status: 'retry', error: new Error('again'), delayMs: 10 });
    await recordBatchOutcome(a, completed);
    await recordBatchOutcome(a, completed); // a rerun of a job already counted
    expect(await Batch.status(batch.id)).toMatchObject({ pending: 1, succeeded: 1 });
    await recordBatchOutcome(b, completed);
    await recordBatchOutcome(b, completed);
    const status = await Batch.status(batch.id);
    expect(status).toMatchObject({
      total: 2,
      pending: 0,
      succeeded: 2,
      callbacks: { onSuccess: 'enqueued', onComplete: 'enqueued' },
    });

    // The crash window: counted and claimed, not marked enqueued. The rerun enqueues again, by id.
    const hash = batchKeys(scope.prefix, batch.id).batch;
    await redis.hdel(hash, 'enqueued:onSuccess', 'enqueued:onComplete');
    await recordBatchOutcome(b, completed);
    const queued = await adapter.queue('default').getJobs(['waiting'], 0, -1);
    const callbacks = queued.filter((j) => j.name === 'Fixture.BatchCallbackJob').map((j) => j.id);
    expect(callbacks.sort()).toEqual([
      callbackJobId(batch.id, 'onComplete'),
      callbackJobId(batch.id, 'onSuccess'),
    ]);
    expect(await Batch.status(batch.id)).toMatchObject({ succeeded: 2, pending: 0 });
  });

  it('needs an adapter that keeps batches', async () => {
    configureBacklot({ adapter: new InlineAdapter() });
    try {
      await expect(Batch.create().add([BatchMemberJob.build('k', 'm', 'ok')])).rejects.toThrow(
        'batches need the bullmq adapter (the inline adapter keeps no batches)',
      );
    } finally {
      configureBacklot({ adapter });
    }
  });
});
