/**
 * Runs in every test worker before each test file.
 *
 * Steps: set NODE_ENV=test; point DATABASE_URL at this worker's copy of the migrated test
 * database (created by test/support/global-setup.ts), so env() and prisma() in the code under test
 * use it without further wiring.
 */
import { inject } from 'vitest';
import { workerDatabaseUrl } from './test-databases';

process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = workerDatabaseUrl(inject('databaseUrl'), process.env.VITEST_POOL_ID ?? '1');
