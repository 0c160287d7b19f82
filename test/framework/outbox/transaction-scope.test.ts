/**
 * transaction(db, fn) / withTransaction(tx, fn): every performLater, performAllLater and
 * enqueueAfter inside the scope is validated at the call and staged in the scope's transaction,
 * all in one statement when the callback returns; a throw stages nothing. Nested scopes, explicit
 * inTransaction(tx) inside a scope, calls after the scope ended, in-process adapters and Batch.add
 * behave as outbox/scope.ts documents. Statements are counted on a real node-postgres client.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  Batch,
  BullmqAdapter,
  Job,
  JobOptionsError,
  OutboxTransactionError,
  SerializationError,
  transaction,
  withTransaction,
} from '../../../app/framework/index';
import { testDatabaseUrl, testPrisma } from '../../support/database';
import { mailJobClass, uniquePostJobClass, useOutboxAdapter, type OutboxRow } from '../../support/outbox';

const ScopedMailJob = mailJobClass('Scope_ScopedMailJob');
type ScopedMailJob = InstanceType<typeof ScopedMailJob>;
const ScopedUniqueJob = uniquePostJobClass('Scope_ScopedUniqueJob');

const db = testPrisma();
const rows = () =>
  db.$queryRawUnsafe<OutboxRow[]>('SELECT job_id, kind, queue, run_at, data FROM job_outbox ORDER BY id');
const ids = async () => (await rows()).map((row) => row.job_id);
const rollback = new Error('rolled back on purpose');

/** A real pg client inside BEGIN that records every statement the outbox sends through it. */
async function countingClient() {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  const statements: string[] = [];
  const tx = {
    query: (text: string, values?: unknown[]) => {
      statements.push(text);
      return client.query(text, values);
    },
  };
  return {
    tx,
    statements,
    /** BEGIN, fn, COMMIT (ROLLBACK when fn throws); BEGIN and COMMIT are not counted. */
    async run<R>(fn: () => Promise<R>): Promise<R> {
      await client.query('BEGIN');
      try {
        const result = await fn();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    end: () => client.end(),
  };
}

describe('transaction scopes', () => {
  let adapter: BullmqAdapter;
  const outbox = useOutboxAdapter(
    'outbox-scope',
    [ScopedMailJob, ScopedUniqueJob],
    (created) => (adapter = created),
  );

  it('stages every performLater of transaction(prisma, fn) under its job id at commit, nothing in Redis before the relay', async () => {
    const jobs = await transaction(db, async (tx) => {
      await tx.user.create({ data: { name: 'scoped-writer', passwordHash: 'x' } });
      const first = await ScopedMailJob.performLater('a@example.com');
      expect(await ids(), 'nothing is written before the callback returns').toEqual([]);
      return [first, await ScopedMailJob.performLater('b@example.com')];
    });

    expect(jobs.map((job) => job.successfullyEnqueued)).toEqual([true, true]);
    expect(await ids()).toEqual(jobs.map((job) => job.jobId));
    expect((await rows()).map((row) => row.data.arguments)).toEqual([['a@example.com'], ['b@example.com']]);
    expect(await db.user.count()).toBe(1);
    expect(await adapter.queue('default').getJob(jobs[0]?.jobId ?? '')).toBeUndefined();
  });

  it('writes the jobs of a scope in one statement, performAllLater and enqueueAfter included', async () => {
    const pgTx = await countingClient();
    try {
      const dependent = ScopedMailJob.build('after');
      const staged = await pgTx.run(() =>
        withTransaction(pgTx.tx, async () => {
          const one = await ScopedMailJob.performLater('one');
          const two = await ScopedMailJob.set({ wait: 60, queue: 'mail', priority: 3 }).performLater('two');
          const many = ['x', 'y'].map((to) => ScopedMailJob.build(to));
          await Job.performAllLater(many);
          await dependent.enqueueAfter([ScopedMailJob.build('before')]);
          expect(pgTx.statements, 'buffered, not sent').toEqual([]);
          return [one, two, ...many, dependent];
        }),
      );
      expect(pgTx.statements).toHaveLength(1);
      expect(await ids()).toEqual(staged.map((job) => job.jobId));
      const [, two, , , flow] = await rows();
      expect(two).toMatchObject({ queue: 'mail', data: { priority: 3 } });
      expect(two?.run_at?.getTime()).toBeGreaterThan(Date.now() + 50_000);
      expect(flow?.kind).toBe('flow');
    } finally {
      await pgTx.end();
    }
  });

  it('stages nothing when the callback throws, and the transaction rolls back', async () => {
    let staged: ScopedMailJob | undefined;
    await expect(
      transaction(db, async (tx) => {
        await tx.user.create({ data: { name: 'rolled-back', passwordHash: 'x' } });
        staged = await ScopedMailJob.performLater('a@example.com');
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(staged?.jobId).toBeDefined();
    expect(await rows()).toEqual([]);
    expect(await db.user.count()).toBe(0);
  });

  it('throws at performLater, inside the transaction, naming the argument that cannot be stored', async () => {
    let after = false;
    const attempt = transaction(db, async (tx) => {
      await tx.user.create({ data: { name: 'scoped-writer', passwordHash: 'x' } });
      await ScopedMailJob.performLater('ok');
      await ScopedMailJob.performLater('a@example.com', (() => 1) as unknown as Date);
      after = true;
    });
    await expect(attempt).rejects.toThrow(SerializationError);
    await expect(attempt).rejects.toThrow(/argument 2 is a function/);
    expect(after).toBe(false);
    expect(await db.user.count()).toBe(0);
    expect(await rows()).toEqual([]);
  });

  it.each([
    ['a NUL character', 'a\u0000b', 'a NUL character (U+0000)'],
    ['a lone surrogate', 'x\uD800', 'a lone UTF-16 surrogate'],
  ])(
    'throws at performLater on %s, which jsonb cannot store, naming the argument',
    async (_what, text, named) => {
      let after = false;
      const attempt = transaction(db, async (tx) => {
        await tx.user.create({ data: { name: 'scoped-writer', passwordHash: 'x' } });
        await ScopedMailJob.performLater(text);
        after = true;
      });
      await expect(attempt).rejects.toThrow(SerializationError);
      await expect(attempt).rejects.toThrow(
        `argument 1 contains ${named}, which the outbox (PostgreSQL jsonb) cannot store`,
      );
      expect(after).toBe(false);
      expect(await db.user.count()).toBe(0);
      expect(await rows()).toEqual([]);
    },
  );

  it('throws at performLater on an unknown queue, naming it', async () => {
    const attempt = transaction(db, () => ScopedMailJob.set({ queue: 'nope' }).performLater('a'));
    await expect(attempt).rejects.toThrow(JobOptionsError);
    await expect(attempt).rejects.toThrow(/unknown queue "nope"/);
    expect(await rows()).toEqual([]);
  });

  it('includes a performLater the callback did not await', async () => {
    let job: Promise<ScopedMailJob> | undefined;
    await transaction(db, () => {
      job = ScopedMailJob.performLater('not awaited');
      return Promise.resolve();
    });
    expect(await ids()).toEqual([(await job)?.jobId]);
  });

  it('joins a nested scope on the same transaction (one statement); a nested callback that throws drops only its jobs', async () => {
    const pgTx = await countingClient();
    try {
      const kept = await pgTx.run(() =>
        withTransaction(pgTx.tx, async () => {
          const outer = await ScopedMailJob.performLater('outer');
          const inner = await withTransaction(pgTx.tx, () => ScopedMailJob.performLater('inner'));
          await withTransaction(pgTx.tx, async () => {
            await ScopedMailJob.performLater('dropped');
            throw rollback;
          }).catch((error: unknown) => expect(error).toBe(rollback));
          return [outer, inner];
        }),
      );
      expect(pgTx.statements).toHaveLength(1);
      expect(await ids()).toEqual(kept.map((job) => job.jobId));
    } finally {
      await pgTx.end();
    }
  });

  it('stages in the innermost scope: a nested transaction() on its own transaction commits its jobs on its own', async () => {
    let inner: ScopedMailJob | undefined;
    await expect(
      transaction(db, async () => {
        await ScopedMailJob.performLater('outer, rolled back');
        inner = await transaction(db, () => ScopedMailJob.performLater('inner, committed'));
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await ids()).toEqual([inner?.jobId]);
  });

  it("joins an explicit inTransaction(tx) on the scope's own transaction; another transaction stages at the call", async () => {
    const pgTx = await countingClient();
    const other = await countingClient();
    try {
      await other.run(() =>
        pgTx.run(() =>
          withTransaction(pgTx.tx, async () => {
            await ScopedMailJob.performLater('buffered');
            await ScopedMailJob.inTransaction(pgTx.tx).performLater('joins');
            await Job.performAllLater([ScopedMailJob.build('joins too')], { transaction: pgTx.tx });
            await ScopedMailJob.inTransaction(other.tx).performLater('elsewhere');
            expect(pgTx.statements).toEqual([]);
            expect(other.statements).toHaveLength(1);
          }),
        ),
      );
      expect(pgTx.statements).toHaveLength(1);
      // 'elsewhere' was written at its call, the scope's rows when it ended.
      expect((await rows()).map((row) => row.data.arguments)).toEqual([
        ['elsewhere'],
        ['buffered'],
        ['joins'],
        ['joins too'],
      ]);
    } finally {
      await pgTx.end();
      await other.end();
    }
  });

  it('enqueues a call that starts after its scope ended as outside any scope', async () => {
    let later: Promise<ScopedMailJob> | undefined;
    let fired: () => void = () => {};
    const timerFired = new Promise<void>((resolve) => (fired = resolve));
    await transaction(db, () => {
      setTimeout(() => {
        later = ScopedMailJob.performLater('after the scope');
        fired();
      }, 10);
      return Promise.resolve();
    });
    await timerFired;
    const job = await later;
    expect(await rows()).toEqual([]);
    expect(await adapter.queue('default').getJob(job?.jobId ?? '')).toBeDefined();
  });

  it('refuses a scope without a transaction: nothing, the root client, a pool; transaction() needs a client that opens one', async () => {
    await expect(withTransaction(undefined, () => 1)).rejects.toThrow(OutboxTransactionError);
    await expect(withTransaction(db, () => 1)).rejects.toThrow(/Prisma client itself/);
    const pool = new pg.Pool({ connectionString: testDatabaseUrl() });
    await expect(withTransaction(pool, () => 1)).rejects.toThrow(/pg Pool/);
    await pool.end();
    await expect(db.$transaction((tx) => transaction(tx as never, () => Promise.resolve()))).rejects.toThrow(
      /withTransaction\(tx, fn\)/,
    );
  });

  it('enqueues at once, as inTransaction does, with an in-process adapter', () =>
    outbox.withTestAdapter(async (testAdapter) => {
      await transaction(db, () => ScopedMailJob.performLater('direct'));
      expect(testAdapter.enqueued.map((e) => e.arguments)).toEqual([['direct']]);
      expect(await rows()).toEqual([]);
    }));

  it('leaves Batch.add direct inside a scope (its Redis state is not transactional)', async () => {
    const job = ScopedMailJob.build('in a batch');
    await transaction(db, async () => {
      await Batch.create().add([job]);
    });
    expect(await rows()).toEqual([]);
    expect(await adapter.queue('default').getJob(job.jobId)).toBeDefined();
  });

  describe('once relayed', () => {
    const relay = outbox.useRelay({ sweepIntervalMs: 200 });
    const relayed = () => relay.drained();

    it('is the BullMQ job of the same id with its options, and uniqueness holds', async () => {
      const [late, first, second] = await transaction(db, async () => [
        await ScopedMailJob.set({ wait: 60, queue: 'mail', priority: 3 }).performLater('late'),
        await ScopedUniqueJob.set({ wait: 60 }).performLater(7),
        await ScopedUniqueJob.set({ wait: 60 }).performLater(7),
      ]);
      await relayed();
      const stored = await adapter.queue('mail').getJob(late.jobId);
      expect(stored?.opts.priority).toBe(3);
      expect(await stored?.getState()).toBe('delayed');
      expect(stored?.data).toMatchObject({ jobId: late.jobId, arguments: ['late'] });
      expect(await adapter.queue('default').getJob(first.jobId)).toBeDefined();
      expect(await adapter.queue('default').getJob(second.jobId)).toBeUndefined();
    });

    it('keeps dependencies: enqueueAfter in a scope waits for its dependencies', async () => {
      const dependency = ScopedMailJob.set({ wait: 60 }).build('first');
      const dependent = ScopedMailJob.build('after');
      await transaction(db, () => dependent.enqueueAfter([dependency]));
      await relayed();
      const queue = adapter.queue('default');
      expect(await (await queue.getJob(dependent.jobId))?.getState()).toBe('waiting-children');
      expect(await (await queue.getJob(dependency.jobId))?.getState()).toBe('delayed');
    });
  });
});
