/**
 * deleteMany: the batch delete primitive (hero_proc's delete_many). Every bulk cleanup path that
 * deletes rows by id goes through it, never one statement per id.
 *
 * Steps of deleteMany(pool, table, ids):
 *   1. check the ids (safe integers or bigints) and the table and column names (plain identifiers,
 *      quoted in the statement); no ids: resolve 0 without touching the pool;
 *   2. check out ONE connection from the pool for the whole call;
 *   3. for each chunk of at most `chunkSize` ids, one statement
 *      `DELETE FROM "table" WHERE "id" = ANY($1::bigint[])`: the chunk travels as a single array
 *      parameter, so no statement comes near the driver's 65,535-parameter limit, and the chunk size
 *      bounds each statement's run time and the row locks it holds;
 *   4. release the connection and resolve the number of rows deleted (ids that had no row count 0).
 *
 * Transactions: each chunk statement commits on its own (autocommit). One transaction around every
 * chunk would hold the locks of all rows (and of their cascaded children) until the last chunk and
 * keep a long transaction open (bloat, replication lag); deleting by id is idempotent, so a call
 * that fails half-way is simply run again: DeleteManyError says how many rows the committed chunks
 * deleted. A statement with side effects of its own (counters kept in step with cascaded rows:
 * deleteManyWith) is atomic per chunk, which is what keeping a counter right needs.
 *
 * deleteManyWith(pool, statement, ids, { params }): the statement's $1 is the chunk's ids; the
 * values of `params` (the same for every chunk) are bound as $2, $3, ... after them, for a
 * statement scoped by something besides the ids (a composite key: favorites of ONE user by post id).
 *
 * Cascades: rows referencing a deleted row go the way their foreign keys say (ON DELETE CASCADE /
 * SET NULL), in the same statement. The deleter refuses to start when foreign keys are not enforced
 * (app/services/deletion/foreign-keys.ts).
 *
 * Example:
 *   await deleteMany(dbPool(), 'uploads', ids)                          // -> 100000
 *   await deleteMany(dbPool(), 'mail_outbox', ids, { chunkSize: 5000 })
 *   await deleteManyWith(dbPool(), 'DELETE FROM posts WHERE id = ANY($1::bigint[])', ids)
 *   await deleteManyWith(dbPool(), 'DELETE FROM favorites WHERE user_id = $2 AND post_id = ANY($1::bigint[])', postIds,
 *     { params: [userId] })
 */

/** What deleteMany needs of a connection: node-postgres's PoolClient has it. */
export interface SqlSession {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
}

/** What deleteMany needs of a pool: node-postgres's Pool has it. */
export interface ConnectionPool {
  connect(): Promise<SqlSession & { release(error?: Error | boolean): void }>;
}

/** Ids per statement. @defaultValue 10000 */
export const DELETE_CHUNK_SIZE = 10_000;

export type RecordIds = readonly (number | bigint)[];

export interface DeleteManyOptions {
  /** Ids per statement (each chunk is one array parameter). @defaultValue DELETE_CHUNK_SIZE (10,000) */
  chunkSize?: number;
  /** After each chunk: rows deleted so far and ids handled so far (progress, a job's touch()). */
  onChunk?(deleted: number, done: number, total: number): void;
}

export interface DeleteManyWithOptions extends DeleteManyOptions {
  /**
   * Values bound as $2, $3, ... after the chunk's ids ($1), the same for every chunk (never ids:
   * those are chunked). @defaultValue none: the statement has $1 only
   */
  params?: readonly unknown[];
}

/** A chunk failed: earlier chunks are committed; run the call again to finish. */
export class DeleteManyError extends Error {
  override name = 'DeleteManyError';
  constructor(
    message: string,
    /** Rows deleted by the chunks that committed before the failure. */
    readonly deleted: number,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;

function quoteIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name))
    throw new TypeError(`${what} must be a plain identifier, got ${JSON.stringify(name)}`);
  return `"${name}"`;
}

function checkIds(ids: RecordIds): void {
  ids.forEach((id, index) => {
    if (typeof id === 'bigint' || Number.isSafeInteger(id)) return;
    throw new TypeError(`deleteMany: id at position ${index} is ${String(id)}, not an integer`);
  });
}

function checkChunkSize(chunkSize: number): void {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new TypeError(`deleteMany: chunkSize must be a whole number >= 1, got ${chunkSize}`);
}

/** The DELETE statement deleteMany runs per chunk ($1: the chunk's ids as bigint[]). */
export function deleteStatement(table: string, column = 'id'): string {
  return `DELETE FROM ${quoteIdentifier(table, 'table')} WHERE ${quoteIdentifier(column, 'column')} = ANY($1::bigint[])`;
}

/**
 * Runs `statement` (whose $1 is one chunk of ids as bigint[], and $2.. options.params) once per
 * chunk on one connection; resolves the sum of the statements' row counts. For statements that do
 * more than delete from one table (counters kept in step, in a data-modifying CTE) or that are
 * scoped by more than the ids; its row count must be the deleted rows.
 */
export async function deleteManyWith(
  pool: ConnectionPool,
  statement: string,
  ids: RecordIds,
  options: DeleteManyWithOptions = {},
): Promise<number> {
  const chunkSize = options.chunkSize ?? DELETE_CHUNK_SIZE;
  checkChunkSize(chunkSize);
  checkIds(ids);
  const params = options.params ?? [];
  if (ids.length === 0) return 0;
  const session = await pool.connect();
  let deleted = 0;
  let failure: Error | undefined;
  try {
    for (let start = 0; start < ids.length; start += chunkSize) {
      const chunk = ids
        .slice(start, start + chunkSize)
        .map((id) => (typeof id === 'bigint' ? id.toString() : id));
      try {
        const result = await session.query(statement, [chunk, ...params]);
        deleted += result.rowCount ?? 0;
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        throw new DeleteManyError(
          `deleteMany: the chunk of ids ${start + 1}-${start + chunk.length} of ${ids.length} failed after ${deleted} row(s) were deleted: ${failure.message}`,
          deleted,
          { cause: error },
        );
      }
      options.onChunk?.(deleted, Math.min(start + chunkSize, ids.length), ids.length);
    }
  } finally {
    // A connection whose statement failed may be mid-way through anything: the pool discards it.
    session.release(failure);
  }
  return deleted;
}

/** Deletes the rows of `table` whose `id` is among `ids`, one statement per chunk, on one connection. */
export async function deleteMany(
  pool: ConnectionPool,
  table: string,
  ids: RecordIds,
  options: DeleteManyOptions & { column?: string } = {},
): Promise<number> {
  return deleteManyWith(pool, deleteStatement(table, options.column), ids, options);
}
