/**
 * Database helpers for tests on the real PostgreSQL test database.
 *
 * Each worker has its own migrated database (test/support/global-setup.ts), named in
 * process.env.DATABASE_URL by setup-env.ts; files in one worker run one after another, so a file
 * empties the tables it needs with truncateAll() and owns them until it ends.
 *
 * Example:
 *   const db = testPrisma();
 *   beforeEach(() => truncateAll());
 *   afterAll(() => disconnectTestPrisma());
 *   // a database of its own (dropped by the global teardown at the latest):
 *   const url = scratchDatabaseUrl('migrations'); await createDatabaseIfMissing(url); ... await dropDatabase(url);
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { databaseName } from '../../app/db/admin';
import { createPrismaClient, disconnectPrisma, type AppPrismaClient } from '../../app/db/client';
import { closeDbPool, createDbPool } from '../../app/db/pg-pool';
import { useTestAdapter } from '../../app/framework/index';
import { withDatabase } from '../../config/database-url';

/** This worker's test database. */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: is test/support/setup-env.ts in vitest setupFiles?');
  return url;
}

/**
 * A URL for a database of a test's own on the same server, named after this run's template so that
 * the global teardown drops it if the test does not. The database is not created.
 */
export function scratchDatabaseUrl(label: string): string {
  const template = inject('databaseUrl');
  return withDatabase(template, `${databaseName(template)}_${label}_${randomBytes(3).toString('hex')}`);
}

let client: AppPrismaClient | undefined;

/** A Prisma client (with record marking) on this worker's test database, shared within the file. */
export function testPrisma(): AppPrismaClient {
  client ??= createPrismaClient(testDatabaseUrl());
  return client;
}

export async function disconnectTestPrisma(): Promise<void> {
  const current = client;
  client = undefined;
  await current?.$disconnect();
}

/** Empties every table except Prisma's migration history and restarts id sequences. */
export async function truncateAll(db: AppPrismaClient = testPrisma()): Promise<void> {
  const tables = await db.$queryRaw<Array<{ tablename: string }>>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (tables.length === 0) return;
  const list = tables.map(({ tablename }) => `"public"."${tablename.replaceAll('"', '""')}"`).join(', ');
  await db.$executeRawUnsafe(`TRUNCATE TABLE ${list} RESTART IDENTITY CASCADE`);
}

/**
 * The lifecycle of a job or service spec: before each test the tables are empty and a fresh
 * TestAdapter records enqueued jobs; after the file both Prisma clients (the test's and the
 * app's prisma(), which the code under test uses) and the app's pg pool (dbPool(), which jobs
 * hand to deleteMany) are closed.
 *
 * Example: const db = testPrisma(); useFreshDatabase();
 */
export function useFreshDatabase(): void {
  beforeEach(async () => {
    await truncateAll();
    useTestAdapter();
  });
  afterAll(async () => {
    await closeDbPool();
    await disconnectPrisma();
    await disconnectTestPrisma();
  });
}

/**
 * A node-postgres pool on this run's test database for the calling spec file (deleteMany and the
 * deleter take one): opened before its tests, ended after them.
 *
 * Example: const pool = useTestPool(); ... await deleteMany(pool(), 'uploads', ids)
 */
export function useTestPool(): () => pg.Pool {
  let pool: pg.Pool | undefined;
  beforeAll(() => {
    pool = createDbPool(testDatabaseUrl());
  });
  afterAll(async () => {
    await pool?.end();
  });
  return () => {
    if (!pool) throw new Error('useTestPool: the pool opens in beforeAll');
    return pool;
  };
}
