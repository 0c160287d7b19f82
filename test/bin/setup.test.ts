import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase, PROJECT_ROOT } from '../../app/db/admin';
import { scratchDatabaseUrl } from '../support/database';

const databaseUrl = scratchDatabaseUrl('setup');

afterAll(() => dropDatabase(databaseUrl));

/** Runs bin/setup as a real process (dependency install skipped: never reinstall under a test run). */
function setup(overrides: Record<string, string> = {}) {
  const result = spawnSync(join(PROJECT_ROOT, 'bin/setup'), {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      BACKLOT_SKIP_INSTALL: '1',
      ...overrides,
    },
    timeout: 90_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function counts(): Promise<{ users: number; posts: number; admins: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ users: string; posts: string; admins: string }>(
      "SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM users WHERE level = 'admin') AS admins",
    );
    const row = rows[0]!;
    return { users: Number(row.users), posts: Number(row.posts), admins: Number(row.admins) };
  } finally {
    await client.end();
  }
}

function deadPort(): number {
  // Port 1 (tcpmux) is privileged and unused on these machines: connecting is refused at once.
  return 1;
}

describe('bin/setup', () => {
  it(
    'creates, migrates and seeds the database, and a second run changes nothing',
    { timeout: 120_000 },
    async () => {
      const first = setup();
      expect(first.stderr.split('\n').filter((line) => / at |Error/.test(line))).toEqual([]);
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/Created database backlot_test_\w+_setup_\w+/);
      const seeded = await counts();
      expect(seeded.users).toBeGreaterThanOrEqual(3);
      expect(seeded.posts).toBeGreaterThanOrEqual(3);
      expect(seeded.admins).toBe(1);

      const second = setup();
      expect(second.status).toBe(0);
      expect(second.stdout).toMatch(/Database backlot_test_\w+ exists/);
      expect(second.stdout).toContain('No pending migrations to apply.');
      expect(await counts()).toEqual(seeded);
    },
  );

  it('stops with one line on stderr and exit 1 when Redis does not answer', { timeout: 30_000 }, () => {
    const redisUrl = `redis://127.0.0.1:${deadPort()}`;

    const result = setup({ REDIS_URL: redisUrl });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `Redis does not answer at ${redisUrl} (ECONNREFUSED): start it with \`redis-server --daemonize yes\` (Debian package redis-server)\n`,
    );
  });

  it('stops with one line on stderr and exit 1 when PostgreSQL does not answer', { timeout: 30_000 }, () => {
    const result = setup({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${deadPort()}/backlot_nowhere` });

    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^PostgreSQL does not answer at postgresql:\/\/postgres@127\.0\.0\.1:1\/postgres \(ECONNREFUSED\)/,
    );
  });

  it('stops with the ConfigError line on a malformed variable', { timeout: 30_000 }, () => {
    const result = setup({ REDIS_URL: 'localhost:6379' });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'Invalid environment variable REDIS_URL="localhost:6379": expected a URL starting with redis:// or rediss://\n',
    );
  });
});
