/**
 * A plain node-postgres pool beside the Prisma client, for batch statements that need one
 * connection for several statements (deleteMany in app/db/delete-many.ts) or a session of their
 * own (the deleter's advisory lock and LISTEN, app/services/deletion/deleter-lock.ts).
 *
 * Why not Prisma: the Prisma client (through @prisma/adapter-pg) hands each statement to any
 * connection of its pool and offers one connection only inside an interactive transaction, which
 * would hold every chunk's row locks until the last chunk commits.
 *
 * Steps: dbPool() creates the process-wide pool on env().DATABASE_URL on first use (at most
 * DB_POOL_MAX connections, opened lazily); closeDbPool() ends it (bin/ entry points and tests).
 *
 * Example:
 *   const deleted = await deleteMany(dbPool(), 'uploads', [1, 2, 3]);
 *   await closeDbPool();
 */
import pg from 'pg';
import { env } from '../../config/env';

/** Connections of the process-wide pool at most. @defaultValue 4 */
export const DB_POOL_MAX = 4;

/** A pool on `databaseUrl`; idle connections close after 30 s. */
export function createDbPool(databaseUrl: string = env().DATABASE_URL, max = DB_POOL_MAX): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, idleTimeoutMillis: 30_000 });
  // An idle client's connection dropped (server restart): the pool discards it; nothing to do here.
  pool.on('error', () => undefined);
  return pool;
}

let instance: pg.Pool | undefined;

/** The process-wide pool on env().DATABASE_URL, created on first use. */
export function dbPool(): pg.Pool {
  instance ??= createDbPool();
  return instance;
}

/** Ends the process-wide pool, if one was created; the next dbPool() call makes a new one. */
export async function closeDbPool(): Promise<void> {
  const current = instance;
  instance = undefined;
  await current?.end();
}
