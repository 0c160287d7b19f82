/**
 * Names of the test run's databases, shared by the global setup (main process) and the workers.
 *
 * The global setup creates the migrated template `backlot_test_<pid>_<random>` and one copy per
 * worker, `<template>_w<VITEST_POOL_ID>`; tests' scratch databases are `<template>_<label>_<random>`.
 * Everything starting with the template's name is dropped at teardown.
 *
 * Example: workerDatabaseUrl(inject('databaseUrl'), process.env.VITEST_POOL_ID ?? '1')
 */
import { pgConfigFromUrl, withDatabase } from '../../config/database-url';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the migrated template database (nothing connects to it; workers use their copy). */
    databaseUrl: string;
  }
}

/** Every test database's name starts with this; the pid after it tells whose run it was. */
export const TEST_DATABASE_PREFIX = 'backlot_test_';

/** The URL of worker `poolId`'s copy of the template database. */
export function workerDatabaseUrl(templateUrl: string, poolId: string | number): string {
  return withDatabase(templateUrl, `${pgConfigFromUrl(templateUrl).database}_w${poolId}`);
}
