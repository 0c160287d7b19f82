import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabaseIfMissing, dropDatabase, migrateDeploy } from '../../app/db/admin';
import { scratchDatabaseUrl } from '../support/database';
import { ROOT } from '../support/processes';

// Guards the whole offline Prisma path: Wasm schema engine + patched @prisma/adapter-pg
// (prisma/orm#27403) applying every migration to an empty database.
const url = scratchDatabaseUrl('migrations');

afterAll(() => dropDatabase(url));

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('prisma migrate deploy', () => {
  it(
    'creates the schema on an empty database, and a second run changes nothing',
    { timeout: 60_000 },
    async () => {
      expect(await createDatabaseIfMissing(url)).toBe(true);

      await migrateDeploy(url);
      await migrateDeploy(url);

      const tables = await query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
      );
      expect(tables.map((row) => row.tablename)).toEqual([
        '_prisma_migrations',
        'bans',
        'bulk_update_request_lines',
        'bulk_update_requests',
        'favorites',
        'job_executions',
        'job_history_retries',
        'job_outbox',
        'job_outbox_relay',
        'mail_outbox',
        'mail_transport_switches',
        'mod_actions',
        'post_tags',
        'posts',
        'tag_aliases',
        'tag_implications',
        'tags',
        'uploads',
        'users',
      ]);

      const columns = await query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'posts' ORDER BY ordinal_position",
      );
      expect(columns.map((row) => row.column_name)).toEqual([
        'id',
        'md5',
        'score',
        'uploader_id',
        'created_at',
        'updated_at',
        'deletion_requested_at',
        'fav_count',
        'tag_count',
        'tag_count_artist',
        'tag_count_character',
        'tag_count_copyright',
        'tag_count_general',
        'tag_count_meta',
        'rating',
        'file_ext',
        'image_width',
        'image_height',
        'file_size',
      ]);

      const partialIndexes = await query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%WHERE%' ORDER BY indexname",
      );
      expect(partialIndexes.map((row) => row.indexname)).toEqual([
        'job_executions_error_class_finished_at_idx',
        'job_executions_parent_job_id_idx',
        'job_executions_state_finished_at_idx',
        'posts_deletion_requested_at_idx',
        'tag_aliases_live_antecedent_key',
        'tag_implications_live_pair_key',
        'uploads_deletion_requested_at_idx',
      ]);

      const levels = await query<{ level: string }>(
        'SELECT unnest(enum_range(NULL::user_level))::text AS level',
      );
      expect(levels.map((row) => row.level)).toEqual(['member', 'builder', 'moderator', 'admin']);

      const applied = await query<{ n: string }>(
        'SELECT count(*) AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL',
      );
      expect(Number(applied[0]?.n)).toBeGreaterThanOrEqual(1);
    },
  );

  it(
    "prints no warning that the schema's datasource url goes unused beside the driver adapter",
    { timeout: 60_000 },
    async () => {
      await createDatabaseIfMissing(url);
      const cli = join(ROOT, 'node_modules', 'prisma', 'build', 'index.js');
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, 'migrate', 'deploy'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url },
      });
      expect(`${stdout}${stderr}`).toContain('using driver adapter "@prisma/adapter-pg"');
      expect(`${stdout}${stderr}`).not.toMatch(/WARNING|datasource properties|will NOT be used/);
    },
  );
});
