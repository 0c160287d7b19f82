/**
 * The caller's database transaction, as the outbox sees it: something that runs one SQL statement
 * with positional parameters inside the transaction. Two shapes are accepted, so the framework
 * needs no database library of its own:
 *   - a Prisma interactive transaction client (`prisma.$transaction(async (tx) => ...)`'s tx),
 *     through `$executeRawUnsafe(sql, ...params)`;
 *   - a node-postgres client inside BEGIN ... COMMIT, through `query(sql, params)`.
 * The root Prisma client or a pg Pool is refused (OutboxTransactionError): a statement on either
 * commits on its own, which is exactly the gap the outbox closes.
 *
 * Example: await executeIn(tx, 'INSERT INTO t (a) VALUES ($1)', ['x'])
 */
import { OutboxTransactionError } from './errors';

/** A Prisma interactive transaction client (Prisma.TransactionClient fits). */
export interface PrismaTransactionLike {
  $executeRawUnsafe(query: string, ...values: any[]): PromiseLike<number>;
}

/** A node-postgres Client (or PoolClient) with a transaction open on it. */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

export type OutboxTransaction = PrismaTransactionLike | PgClientLike;

export function isPrisma(tx: OutboxTransaction): tx is PrismaTransactionLike {
  return typeof (tx as Partial<PrismaTransactionLike>).$executeRawUnsafe === 'function';
}

/** Throws OutboxTransactionError unless `tx` looks like a transaction (see the header). */
export function checkTransaction(tx: unknown): asserts tx is OutboxTransaction {
  if (typeof tx !== 'object' || tx === null) {
    throw new OutboxTransactionError(`inTransaction needs a transaction client (got ${String(tx)})`);
  }
  if ('$transaction' in tx) {
    throw new OutboxTransactionError(
      'inTransaction got the Prisma client itself: pass the transaction client of prisma.$transaction(async (tx) => ...)',
    );
  }
  if ('totalCount' in tx && 'connect' in tx) {
    throw new OutboxTransactionError(
      'inTransaction got a pg Pool: pass a client checked out of it (pool.connect()) with BEGIN run on it',
    );
  }
  if (!isPrisma(tx as OutboxTransaction) && typeof (tx as Partial<PgClientLike>).query !== 'function') {
    throw new OutboxTransactionError(
      'inTransaction needs a Prisma transaction client ($executeRawUnsafe) or a pg client (query)',
    );
  }
}

/** Runs one statement inside the transaction. */
export async function executeIn(tx: OutboxTransaction, sql: string, params: unknown[]): Promise<void> {
  if (isPrisma(tx)) await tx.$executeRawUnsafe(sql, ...params);
  else await tx.query(sql, params);
}
