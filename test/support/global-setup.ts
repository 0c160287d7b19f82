/**
 * Vitest global setup: one throwaway PostgreSQL database per test run, one copy per test worker.
 *
 * Steps:
 *   1. Check that Redis and the PostgreSQL server of DATABASE_URL answer; stop the run with the
 *      one-line ServiceUnavailableError message when one does not.
 *   2. Drop databases left by earlier runs whose process is gone (backlot_test_<pid>_*).
 *   3. Create backlot_test_<pid>_<random> and apply the migrations to it (prisma migrate deploy);
 *      it serves only as the template of step 4, so nothing connects to it afterwards.
 *   4. Copy it once per worker (VITEST_POOL_ID 1..maxWorkers) as <template>_w<N>: test files that
 *      run at the same time never share a database, so truncateAll() in one cannot hit another.
 *   5. provide('databaseUrl', templateUrl); test/support/setup-env.ts points each worker's
 *      DATABASE_URL at its copy.
 *   6. Teardown drops the template and every database named after it (copies and scratch
 *      databases from test/support/database.ts), WITH (FORCE).
 *   Before step 3 and at teardown, reapTopologies() kills the Sentinel groups and clusters of
 *   test processes that are gone (test/support/topology-reaper.ts).
 *
 * Example: npx vitest run test/db   (nothing to configure; vitest.config.ts lists this file)
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { withDatabase } from '../../config/database-url';
import { env } from '../../config/env';
import { checkPostgres, checkRedis } from '../../config/services';
import {
  createDatabaseIfMissing,
  databaseName,
  MAINTENANCE_DATABASE,
  migrateDeploy,
} from '../../app/db/admin';
import { reapTopologies } from './topology-reaper';
import { TEST_DATABASE_PREFIX, workerDatabaseUrl } from './test-databases';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, MAINTENANCE_DATABASE) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropDatabasesWhere(url: string, keep: (name: string) => boolean): Promise<void> {
  await withAdmin(url, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [TEST_DATABASE_PREFIX],
    );
    for (const { datname } of rows) {
      if (!keep(datname))
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { REDIS_URL, DATABASE_URL } = env();
  const checks = await Promise.allSettled([
    checkRedis(REDIS_URL),
    checkPostgres(withDatabase(DATABASE_URL, MAINTENANCE_DATABASE)),
  ]);
  for (const check of checks) if (check.status === 'rejected') throw check.reason;

  await dropDatabasesWhere(DATABASE_URL, (name) => {
    const pid = Number(name.slice(TEST_DATABASE_PREFIX.length).split('_')[0]);
    return !Number.isInteger(pid) || processIsAlive(pid);
  });

  const template = `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  const templateUrl = withDatabase(DATABASE_URL, template);
  const dropOurs = async () => {
    await dropDatabasesWhere(DATABASE_URL, (name) => !name.startsWith(template));
    reapTopologies();
  };
  reapTopologies();

  try {
    await createDatabaseIfMissing(templateUrl);
    await migrateDeploy(templateUrl);
    const workers = Math.max(1, Number(project.config.maxWorkers) || 1);
    await withAdmin(DATABASE_URL, async (client) => {
      for (let poolId = 1; poolId <= workers; poolId += 1) {
        const copy = client.escapeIdentifier(databaseName(workerDatabaseUrl(templateUrl, poolId)));
        await client.query(`CREATE DATABASE ${copy} TEMPLATE ${client.escapeIdentifier(template)}`);
      }
    });
  } catch (error) {
    await dropOurs();
    throw error;
  }

  project.provide('databaseUrl', templateUrl);
  return dropOurs;
}
