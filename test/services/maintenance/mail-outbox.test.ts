/**
 * pruneMailOutbox on the real test database: which rows the cutoff keeps, to the millisecond, and
 * what pruning costs: one DELETE statement per chunk of ids (deleteMany), never one per row.
 */
import { describe, expect, it } from 'vitest';
import { deleteStatement } from '../../../app/db/delete-many';
import {
  MAIL_OUTBOX_CHUNK_SIZE,
  MAIL_OUTBOX_KEEP_DAYS,
  pruneMailOutbox,
} from '../../../app/services/maintenance/mail-outbox';
import { countingPool, deletes } from '../../support/counting-pool';
import { testPrisma, useFreshDatabase, useTestPool } from '../../support/database';
import { DAY_MS } from '../../jobs/fixtures';

const db = testPrisma();
const now = new Date('2026-06-01T12:00:00.000Z');
const cutoff = new Date(now.getTime() - MAIL_OUTBOX_KEEP_DAYS * DAY_MS);
const pool = useTestPool();
useFreshDatabase();

/** `n` outbox rows created at `createdAt`, subjects `${label} 1..n`, in one statement. */
async function insertMail(n: number, createdAt: Date, label: string): Promise<void> {
  await db.$executeRaw`
    INSERT INTO mail_outbox (message_id, recipient, subject, body, created_at)
    SELECT ${label} || '-' || g, 'a@example.com', ${label} || ' ' || g, '', (${createdAt.toISOString()}::timestamptz AT TIME ZONE 'UTC')
    FROM generate_series(1, ${n}::int) g`;
}

async function subjects(): Promise<string[]> {
  return (await db.mailOutbox.findMany({ orderBy: { id: 'asc' } })).map((m) => m.subject);
}

describe('pruneMailOutbox', () => {
  it('deletes rows created before now - 90 days, to the millisecond; a row created exactly at the cutoff is kept', async () => {
    expect(MAIL_OUTBOX_KEEP_DAYS).toBe(90);
    await insertMail(1, new Date(cutoff.getTime() - 1), 'before');
    await insertMail(1, cutoff, 'at');
    await insertMail(1, new Date(cutoff.getTime() + 1), 'after');
    await insertMail(1, new Date(cutoff.getTime() - 400 * DAY_MS), 'ancient');

    expect(await pruneMailOutbox(pool(), { now })).toBe(2);
    expect(await subjects()).toEqual(['at 1', 'after 1']);
    expect(await pruneMailOutbox(pool(), { now })).toBe(0);
  });

  it('2,500 old rows at batch 1,000: 3 DELETE ... = ANY($1) statements, one per chunk, and the newer rows kept', async () => {
    await insertMail(2_500, new Date(cutoff.getTime() - DAY_MS), 'old');
    await insertMail(3, new Date(cutoff.getTime() + DAY_MS), 'new');
    const { pool: counted, seen } = countingPool(pool());
    const progress: number[] = [];

    const deleted = await pruneMailOutbox(counted, {
      now,
      batchSize: 1_000,
      onProgress: (done) => void progress.push(done),
    });

    expect(deleted).toBe(2_500);
    expect(deletes(seen)).toEqual(Array(3).fill(deleteStatement('mail_outbox')));
    expect(seen.statements).toHaveLength(3);
    expect(seen.reads).toHaveLength(3);
    expect(progress).toEqual([1_000, 2_000, 2_500]);
    expect(await subjects()).toEqual(['new 1', 'new 2', 'new 3']);
  });

  it('a last chunk that selects nothing issues no DELETE: 2,000 old rows at batch 1,000 cost 2 statements', async () => {
    await insertMail(2_000, new Date(cutoff.getTime() - DAY_MS), 'old');
    const { pool: counted, seen } = countingPool(pool());
    expect(await pruneMailOutbox(counted, { now, batchSize: 1_000 })).toBe(2_000);
    expect(deletes(seen)).toHaveLength(2);
    expect(seen.reads).toHaveLength(3);
    expect(await db.mailOutbox.count()).toBe(0);
  });

  it('deletes 5,000 rows per statement by default', async () => {
    expect(MAIL_OUTBOX_CHUNK_SIZE).toBe(5_000);
    await insertMail(5_001, new Date(cutoff.getTime() - DAY_MS), 'old');
    const { pool: counted, seen } = countingPool(pool());
    expect(await pruneMailOutbox(counted, { now })).toBe(5_001);
    expect(deletes(seen)).toHaveLength(2);
  });

  it('checks the signal before each chunk: an abort stops it between chunks, keeping what was deleted', async () => {
    await insertMail(2_500, new Date(cutoff.getTime() - DAY_MS), 'old');
    const controller = new AbortController();
    const { pool: counted, seen } = countingPool(pool());
    const run = pruneMailOutbox(counted, {
      now,
      batchSize: 1_000,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('canceled')),
    });
    await expect(run).rejects.toThrow('canceled');
    expect(deletes(seen)).toHaveLength(1);
    expect(await db.mailOutbox.count()).toBe(1_500);
  });
});
