/**
 * Database administration: create and drop the database named in a URL, apply migrations.
 * Used by bin/setup, the test suite's global setup and the migration test.
 *
 * Steps: database commands connect to the server's maintenance database `postgres` (same host,
 * port and role as the URL) and quote the name as an identifier; migrateDeploy runs the project's
 * own Prisma CLI (`prisma migrate deploy`, Wasm schema engine via prisma.config.ts) with
 * DATABASE_URL set to the URL, and throws MigrationError carrying the CLI's output when it fails.
 * The package.json script db:migrate runs the same CLI directly.
 *
 * Example:
 *   const url = withDatabase(env().DATABASE_URL, 'backlot_scratch');
 *   if (await createDatabaseIfMissing(url)) await migrateDeploy(url);
 *   await dropDatabase(url);
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { pgConfigFromUrl, withDatabase } from '../../config/database-url';
import { PROJECT_ROOT } from '../../config/project-root';

/** The project root (holds prisma.config.ts and node_modules/.bin/prisma). */
export { PROJECT_ROOT };

/** The server's maintenance database, which admin commands connect to. */
export const MAINTENANCE_DATABASE = 'postgres';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** The database name in a postgres:// URL. */
export function databaseName(url: string): string {
  return pgConfigFromUrl(url).database;
}

async function withMaintenanceClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: withDatabase(url, MAINTENANCE_DATABASE),
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(url: string): Promise<boolean> {
  return withMaintenanceClient(url, async (client) => {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(url)]);
    return result.rowCount === 1;
  });
}

/** Creates the URL's database unless it exists; resolves true when it created it. */
export async function createDatabaseIfMissing(url: string): Promise<boolean> {
  const name = databaseName(url);
  return withMaintenanceClient(url, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount === 1) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (error) {
      if ((error as { code?: unknown }).code === '42P04') return false; // created concurrently
      throw error;
    }
    return true;
  });
}

/** Drops the URL's database if it exists, closing other sessions on it (PostgreSQL 13+). */
export async function dropDatabase(url: string): Promise<void> {
  await withMaintenanceClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(databaseName(url))} WITH (FORCE)`);
  });
}

export interface MigrateOptions {
  /** 'inherit' shows the CLI's output (bin/setup); 'pipe' keeps it for the error. @defaultValue 'pipe' */
  stdio?: 'inherit' | 'pipe';
}

/**
 * Loaded into the Prisma CLI process: timers of 10 s or more that the Wasm schema engine starts are
 * unref'd. The engine (Prisma 6.19) arms a 10 s timer around its database calls and leaves one
 * running when it is done, so a finished `migrate deploy` would otherwise sit idle for 10 s before
 * exiting. An unref'd timer still fires while the engine waits on the database (the open socket
 * keeps the process alive), so timeouts keep working.
 * Remove when a Prisma release exits promptly (time `npx prisma migrate deploy` on an
 * up-to-date database: about a second, not ten).
 */
const UNREF_ENGINE_TIMERS = `
const setTimeoutOriginal = globalThis.setTimeout;
globalThis.setTimeout = function (callback, ms, ...args) {
  const timer = setTimeoutOriginal(callback, ms, ...args);
  if (ms >= 10000 && (new Error().stack ?? '').includes('wasm-function')) timer.unref();
  return timer;
};`;

/** Runs `prisma migrate deploy` against the URL's database. */
export async function migrateDeploy(url: string, { stdio = 'pipe' }: MigrateOptions = {}): Promise<void> {
  const cli = join(PROJECT_ROOT, 'node_modules', 'prisma', 'build', 'index.js');
  const preload = `data:text/javascript,${encodeURIComponent(UNREF_ENGINE_TIMERS)}`;
  const child = spawn(process.execPath, ['--import', preload, cli, 'migrate', 'deploy'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', stdio, stdio],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    throw new MigrationError(
      `prisma migrate deploy failed on database "${databaseName(url)}" (exit ${code})${output ? `:\n${output.trim()}` : ''}`,
    );
  }
}
