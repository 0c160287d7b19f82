/**
 * A real node-postgres pool, wrapped so a test sees what the code under test sends through it:
 * how many connections it checked out, every statement run on them (deleteMany's DELETEs), which
 * server backends ran them, and the statements sent through the pool itself (pool.query: reads
 * such as selecting the next chunk of ids). Nothing is mocked: every statement reaches PostgreSQL.
 *
 * Steps: countingPool(pool) returns { pool, seen }; hand `pool` to the code under test, then read
 * `seen`. The wrapper is a ConnectionPool (deleteMany) and a SqlReader (pool.query), as pg.Pool is.
 *
 * Example:
 *   const { pool, seen } = countingPool(createDbPool(testDatabaseUrl()));
 *   await deleteMany(pool, 'uploads', ids, { chunkSize: 10 });
 *   expect(seen.statements).toHaveLength(3); expect(seen.connections).toBe(1);
 *   expect(deletes(seen)).toHaveLength(3);     // the statements that begin with DELETE or WITH ... DELETE
 */
import type pg from 'pg';
import type { ConnectionPool } from '../../app/db/delete-many';
import type { SqlReader } from '../../app/db/deletion.repository';

export interface SeenStatements {
  /** Connections checked out through connect(). */
  connections: number;
  /** Every statement run on a checked-out connection, in order. */
  statements: string[];
  /** Server process ids of the connections those statements ran on. */
  backends: Set<number>;
  /** Statements sent through the pool itself (pool.query), in order. */
  reads: string[];
}

export function countingPool(pool: pg.Pool): { pool: ConnectionPool & SqlReader; seen: SeenStatements } {
  const seen: SeenStatements = { connections: 0, statements: [], backends: new Set(), reads: [] };
  const wrapped: ConnectionPool & SqlReader = {
    async connect() {
      seen.connections += 1;
      const client = await pool.connect();
      const pid = (client as unknown as { processID: number }).processID;
      return {
        query(text: string, values?: unknown[]) {
          seen.statements.push(text);
          seen.backends.add(pid);
          return client.query(text, values);
        },
        release: (error?: Error | boolean) => client.release(error),
      };
    },
    async query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }> {
      seen.reads.push(text);
      const result = await pool.query(text, values);
      return { rows: result.rows as R[] };
    },
  };
  return { pool: wrapped, seen };
}

/** The statements run on checked-out connections that delete rows (DELETE ..., or WITH ... DELETE ...). */
export function deletes(seen: SeenStatements): string[] {
  return seen.statements.filter((text) => /\bDELETE\s+FROM\b/i.test(text));
}
