/**
 * Job.inTransaction(tx): a job staged in the caller's transaction exists after commit and never
 * after a rollback; it carries the same options, bulk, uniqueness and dependencies as a direct
 * enqueue once relayed; bad input fails at performLater, inside the transaction.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  BullmqAdapter,
  Job,
  JobOptionsError,
  OutboxTransactionError,
  SerializationError,
} from '../../../app/framework/index';
import { testDatabaseUrl, testPrisma } from '../../support/database';
import { mailJobClass, uniquePostJobClass, useOutboxAdapter, type OutboxRow } from '../../support/outbox';

const StagedEmailJob = mailJobClass('Outbox_StagedEmailJob');
const UniqueIndexJob = uniquePostJobClass('Outbox_UniqueIndexJob');

const db = testPrisma();
const rows = () =>
  db.$queryRawUnsafe<OutboxRow[]>(
    'SELECT job_id, kind, queue, name, data, run_at FROM job_outbox ORDER BY id',
  );
const rollback = new Error('rolled back on purpose');

describe('Job.inTransaction(tx).performLater', () => {
  let adapter: BullmqAdapter;
  const outbox = useOutboxAdapter(
    'outbox-tx',
    [StagedEmailJob, UniqueIndexJob],
    (created) => (adapter = created),
  );

  it('stages the job with its job id when the transaction commits, and enqueues nothing before the relay', async () => {
    const job = await db.$transaction(async (tx) =>
      StagedEmailJob.inTransaction(tx).performLater('a@example.com'),
    );

    expect(job.successfullyEnqueued).toBe(true);
    const [row, ...more] = await rows();
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      job_id: job.jobId,
      kind: 'job',
      queue: 'default',
      name: 'Outbox_StagedEmailJob',
    });
    expect(row?.data.arguments).toEqual(['a@example.com']);
    expect(await adapter.queue('default').getJob(job.jobId)).toBeUndefined();
  });

  it('leaves nothing behind when the transaction rolls back', async () => {
    await expect(
      db.$transaction(async (tx) => {
        await StagedEmailJob.inTransaction(tx).performLater('a@example.com');
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await rows()).toEqual([]);
  });

  it('fails at performLater, inside the transaction, naming the argument that cannot be stored', async () => {
    const attempt = db.$transaction(async (tx) => {
      await tx.user.create({ data: { name: 'staged-writer', passwordHash: 'x' } });
      await StagedEmailJob.inTransaction(tx).performLater('a@example.com', (() => 1) as unknown as Date);
    });
    await expect(attempt).rejects.toThrow(SerializationError);
    await expect(attempt).rejects.toThrow(/argument 2 is a function/);
    expect(await db.user.count()).toBe(0);
    expect(await rows()).toEqual([]);
  });

  it('fails at performLater on an unknown queue, naming it', async () => {
    const attempt = db.$transaction((tx) =>
      StagedEmailJob.inTransaction(tx).set({ queue: 'nope' }).performLater('a'),
    );
    await expect(attempt).rejects.toThrow(JobOptionsError);
    await expect(attempt).rejects.toThrow(/unknown queue "nope"/);
    expect(await rows()).toEqual([]);
  });

  it('refuses the Prisma client itself and a pg Pool: neither is a transaction', () => {
    expect(() => StagedEmailJob.inTransaction(db)).toThrow(OutboxTransactionError);
    const pool = new pg.Pool({ connectionString: testDatabaseUrl() });
    expect(() => StagedEmailJob.inTransaction(pool)).toThrow(/pg Pool/);
    return pool.end();
  });

  it('takes a node-postgres client inside BEGIN ... COMMIT as well', async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      await client.query('BEGIN');
      const kept = await StagedEmailJob.inTransaction(client).performLater('kept');
      await client.query('COMMIT');
      await client.query('BEGIN');
      await StagedEmailJob.inTransaction(client).performLater('dropped');
      await client.query('ROLLBACK');
      expect((await rows()).map((row) => row.job_id)).toEqual([kept.jobId]);
    } finally {
      await client.end();
    }
  });

  it('stages many jobs in one statement with performAllLater({ transaction })', async () => {
    const jobs = ['a', 'b', 'c'].map((to) => StagedEmailJob.build(to));
    const count = await db.$transaction((tx) => Job.performAllLater(jobs, { transaction: tx }));
    expect(count).toBe(3);
    expect((await rows()).map((row) => row.job_id)).toEqual(jobs.map((job) => job.jobId));
  });

  it('enqueues at once, as before, with an in-process adapter (test, inline, async)', () =>
    outbox.withTestAdapter(async (testAdapter) => {
      await db.$transaction((tx) => StagedEmailJob.inTransaction(tx).performLater('direct'));
      expect(testAdapter.enqueued.map((e) => e.arguments)).toEqual([['direct']]);
      expect(await rows()).toEqual([]);
    }));

  describe('once relayed', () => {
    const relay = outbox.useRelay({ sweepIntervalMs: 200 });
    const relayed = () => relay.drained();

    it('is the BullMQ job of the same id, with its options (wait, queue, priority)', async () => {
      const job = await db.$transaction((tx) =>
        StagedEmailJob.inTransaction(tx).set({ wait: 60, queue: 'mail', priority: 3 }).performLater('late'),
      );
      await relayed();
      const stored = await adapter.queue('mail').getJob(job.jobId);
      expect(stored?.opts.priority).toBe(3);
      expect(await stored?.getState()).toBe('delayed');
      expect((stored?.timestamp ?? 0) + (stored?.opts.delay ?? 0)).toBeGreaterThan(Date.now() + 50_000);
      expect(stored?.data).toMatchObject({ jobId: job.jobId, arguments: ['late'] });
    });

    it('keeps uniqueness: two equal unique jobs staged become one BullMQ job', async () => {
      const [first, second] = await db.$transaction(async (tx) => [
        await UniqueIndexJob.inTransaction(tx).set({ wait: 60 }).performLater(7),
        await UniqueIndexJob.inTransaction(tx).set({ wait: 60 }).performLater(7),
      ]);
      await relayed();
      const queue = adapter.queue('default');
      expect(await queue.getJob(first.jobId)).toBeDefined();
      expect(await queue.getJob(second.jobId)).toBeUndefined();
    });

    it('keeps dependencies: enqueueAfter in a transaction waits for its dependencies', async () => {
      const dependency = StagedEmailJob.set({ wait: 60 }).build('first');
      const dependent = StagedEmailJob.build('after');
      await db.$transaction((tx) => dependent.enqueueAfter([dependency], { transaction: tx }));
      const [row] = await rows();
      expect(row?.kind).toBe('flow');
      await relayed();
      const queue = adapter.queue('default');
      expect(await (await queue.getJob(dependent.jobId))?.getState()).toBe('waiting-children');
      expect(await (await queue.getJob(dependency.jobId))?.getState()).toBe('delayed');
    });
  });
});
