import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { JobCanceledError } from '../../app/framework/index';
import { vacuumDatabase } from '../../app/services/maintenance/vacuum';
import { VacuumDatabaseJob } from '../../jobs/vacuum-database.job';
import { testDatabaseUrl, testPrisma, useFreshDatabase } from '../support/database';
import { createPost } from './fixtures';

const db = testPrisma();

useFreshDatabase();

async function lastVacuumed(table: string): Promise<{ vacuumed: Date | null; analyzed: Date | null }> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ vacuumed: Date | null; analyzed: Date | null }>(
      'SELECT last_vacuum AS vacuumed, last_analyze AS analyzed FROM pg_stat_user_tables WHERE relname = $1',
      [table],
    );
    return rows[0] ?? { vacuumed: null, analyzed: null };
  } finally {
    await client.end();
  }
}

describe('VacuumDatabaseJob', () => {
  it('runs VACUUM (ANALYZE) on every table of the schema without error', async () => {
    await createPost(db, ['a', 'b']);
    const started = new Date(Date.now() - 1000);

    const result = await VacuumDatabaseJob.performNow();

    expect(result?.tables).toEqual(
      expect.arrayContaining(['public.posts', 'public.post_tags', 'public.tags', 'public.mail_outbox']),
    );
    const posts = await lastVacuumed('posts');
    expect(posts.vacuumed?.getTime()).toBeGreaterThanOrEqual(started.getTime());
    expect(posts.analyzed?.getTime()).toBeGreaterThanOrEqual(started.getTime());
  });

  it('needs to run outside a transaction: VACUUM inside prisma.$transaction fails with 25001', async () => {
    // Why the job uses its own pg connection (app/services/maintenance/vacuum.ts). A lone
    // $executeRawUnsafe works with @prisma/adapter-pg 6.19, but only because of how it sends statements.
    await expect(db.$transaction((tx) => tx.$executeRawUnsafe('VACUUM (ANALYZE) tags'))).rejects.toThrow(
      /25001|cannot run inside a transaction block/,
    );
    await expect(db.$executeRawUnsafe('VACUUM (ANALYZE) tags')).resolves.toBe(0);
  });

  it('stops with the signal’s reason when canceled', async () => {
    const controller = new AbortController();
    const reason = new JobCanceledError('canceled by admin');
    await expect(
      vacuumDatabase(testDatabaseUrl(), {
        signal: controller.signal,
        onTable: () => controller.abort(reason),
      }),
    ).rejects.toBe(reason);
  });

  it('cancels a VACUUM that is running on the server when the signal aborts', async () => {
    const locker = new pg.Client({ connectionString: testDatabaseUrl() });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE tags IN ACCESS EXCLUSIVE MODE'); // VACUUM of tags waits for this lock
      const controller = new AbortController();
      const reason = new JobCanceledError('canceled by admin');
      const done: string[] = [];
      const running = vacuumDatabase(testDatabaseUrl(), {
        signal: controller.signal,
        onTable: (_n, _t, table) => void done.push(table),
      });
      const deadline = Date.now() + 10_000;
      while (!done.includes('public.tag_implications') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      controller.abort(reason);
      await expect(running).rejects.toBe(reason);
      expect(done).not.toContain('public.tags');
      const waiting = await locker.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'VACUUM%' AND state = 'active'",
      );
      expect(Number(waiting.rows[0]?.n)).toBe(0);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });
});
