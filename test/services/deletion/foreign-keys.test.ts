import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assertForeignKeys,
  checkForeignKeys,
  DeletionStorage,
  ForeignKeysNotEnforcedError,
  startDeleter,
} from '../../../app/services/deletion/index';
import {
  disconnectTestPrisma,
  testDatabaseUrl,
  testPrisma,
  truncateAll,
  useTestPool,
} from '../../support/database';
import { captureLogs } from '../../support/log-capture';
import { makeStorageRoot, markSilently } from './support';

describe('the deleter checks at start-up that foreign keys are enforced (real PostgreSQL)', () => {
  const db = testPrisma();
  const pool = useTestPool();
  beforeEach(() => truncateAll());
  afterAll(async () => {
    await disconnectTestPrisma();
  });

  /** Runs `ddl` in a transaction, checks on that same connection, rolls back. */
  async function problemsAfter(ddl: string): Promise<string[]> {
    const client = await pool().connect();
    try {
      await client.query('BEGIN');
      await client.query(ddl);
      return await checkForeignKeys(client);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('passes on the migrated schema', async () => {
    expect(await checkForeignKeys(pool())).toEqual([]);
    await expect(assertForeignKeys(pool())).resolves.toBeUndefined();
  });

  it("refuses when session_replication_role is 'replica' (foreign-key triggers do not fire), and deletes nothing", async () => {
    const replica = new pg.Pool({
      connectionString: testDatabaseUrl(),
      max: 2,
      options: '-c session_replication_role=replica',
    });
    const storage = makeStorageRoot();
    const logs = captureLogs('info');
    try {
      const post = await db.post.create({ data: {} });
      await markSilently(db, 'posts', [post.id]);
      const deleter = await startDeleter({
        pool: replica,
        storage: new DeletionStorage(storage.root),
        checkIntervalMs: 200,
      });
      expect(deleter.status).toBe('refused');
      expect(deleter.refusal).toBeInstanceOf(ForeignKeysNotEnforcedError);
      const line = logs.lines.find((l) => l.event === 'deleter_refused');
      expect(line?.level).toBe(50);
      expect(line?.msg).toMatch(
        /^The deleter refuses to run: PostgreSQL does not enforce the foreign keys.*session_replication_role is 'replica', not 'origin'/,
      );
      deleter.wake();
      await new Promise((r) => setTimeout(r, 400));
      expect(await db.post.count()).toBe(1);
      await deleter.stop();
      expect(deleter.status).toBe('refused');
    } finally {
      await replica.end();
      storage.cleanup();
    }
  });

  it('refuses when a foreign key’s triggers are disabled', async () => {
    expect(await problemsAfter('ALTER TABLE post_tags DISABLE TRIGGER ALL')).toEqual([
      'the triggers of foreign key post_tags_post_id_fkey on post_tags are disabled (run ALTER TABLE post_tags ENABLE TRIGGER ALL)',
    ]);
  });

  it('refuses when a foreign key is NOT VALID', async () => {
    const problems = await problemsAfter(`
      ALTER TABLE favorites DROP CONSTRAINT favorites_post_id_fkey;
      ALTER TABLE favorites ADD CONSTRAINT favorites_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts(id) ON DELETE CASCADE NOT VALID`);
    expect(problems).toEqual([
      'foreign key favorites_post_id_fkey (favorites -> posts) is NOT VALID (run ALTER TABLE favorites VALIDATE CONSTRAINT favorites_post_id_fkey)',
    ]);
  });

  it('refuses when a cascade it relies on is missing or does not cascade', async () => {
    expect(await problemsAfter('ALTER TABLE post_tags DROP CONSTRAINT post_tags_post_id_fkey')).toEqual([
      'foreign key post_tags.post_id -> posts is missing (apply the migrations: npm run db:migrate)',
    ]);
    expect(
      await problemsAfter(`
        ALTER TABLE post_tags DROP CONSTRAINT post_tags_post_id_fkey;
        ALTER TABLE post_tags ADD CONSTRAINT post_tags_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts(id)`),
    ).toEqual([
      'foreign key post_tags_post_id_fkey (post_tags.post_id -> posts) is ON DELETE NO ACTION, not CASCADE',
    ]);
  });

  it('lists every problem at once', async () => {
    const client = await pool().connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query('ALTER TABLE favorites DISABLE TRIGGER ALL');
      const error = await assertForeignKeys(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForeignKeysNotEnforcedError);
      expect((error as ForeignKeysNotEnforcedError).problems).toHaveLength(2); // the role, and favorites' key to posts
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
