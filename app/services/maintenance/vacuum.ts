/**
 * VacuumDatabaseJob's work: VACUUM (ANALYZE) of every table and materialized view of the
 * database's current schema, one table at a time, outside any transaction.
 *
 * Why a raw pg connection: VACUUM refuses to run inside a transaction block (SQLSTATE 25001), so
 * never through prisma.$transaction. Checked with @prisma/adapter-pg 6.19: a lone
 * `$executeRawUnsafe('VACUUM ANALYZE')` does work (the adapter sends one extended-protocol
 * statement, an implicit transaction VACUUM accepts), but inside `$transaction` it fails with
 * 25001 (test/jobs/vacuum-database.job.test.ts checks both). A dedicated pg.Client with the simple
 * query protocol does not depend on how the adapter happens to send statements, does not hold a
 * connection of the app's pool for minutes, and gives the backend pid to cancel.
 *
 * Steps: connect; list the tables (pg_class, relkind r and m, schema current_schema()); VACUUM
 * (ANALYZE) each, reporting k of n after each; when the signal aborts, pg_cancel_backend stops the
 * running VACUUM from a second connection and the error is the signal's reason; disconnect.
 * System catalogs are left to autovacuum.
 *
 * Example: await vacuumDatabase(env().DATABASE_URL, { signal, onTable: (done, total, name) => ... })
 */
import pg from 'pg';

export interface VacuumOptions {
  signal?: AbortSignal;
  onTable?: (done: number, total: number, table: string) => void | Promise<void>;
}

export interface VacuumResult {
  tables: string[];
}

async function cancelBackend(url: string, pid: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT pg_cancel_backend($1)', [pid]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function vacuumDatabase(url: string, options: VacuumOptions = {}): Promise<VacuumResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  const client = new pg.Client({
    connectionString: url,
    application_name: 'backlot:vacuum',
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  let onAbort: (() => void) | undefined;
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const tables = (
      await client.query<{ name: string }>(
        `SELECT format('%I.%I', n.nspname, c.relname) AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'm') AND n.nspname = current_schema()
         ORDER BY c.relname`,
      )
    ).rows.map((row) => row.name);
    if (pid !== undefined) {
      onAbort = () => void cancelBackend(url, pid).catch(() => undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
    }
    for (const [index, table] of tables.entries()) {
      signal?.throwIfAborted();
      // The simple query protocol (no parameters): one statement, never in a transaction block.
      await client.query(`VACUUM (ANALYZE) ${table}`);
      await options.onTable?.(index + 1, tables.length, table);
    }
    return { tables };
  } catch (error) {
    if (signal?.aborted)
      throw signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
    throw error;
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  }
}
