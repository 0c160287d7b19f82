/**
 * Transaction scopes: every performLater, performAllLater and enqueueAfter that names no
 * transaction, called inside `transaction(db, fn)` or `withTransaction(tx, fn)`, is staged in
 * that transaction, and all of a scope's jobs cost ONE statement (Rails' jobs enqueued inside
 * `ActiveRecord::Base.transaction`, deferred to the transaction).
 *
 * Steps: the scope is an AsyncLocalStorage store holding the transaction and a buffer. At each
 * call (enqueuing.ts) the job is validated, serialized, given its staged form (its job id is
 * Backlot's, assigned at build) and buffered; a bad argument or an unknown queue throws there.
 * When the callback returns, the scope waits for the calls it started that are still running,
 * then writes every buffered row in one INSERT (staging.ts, with the relay's NOTIFY), still
 * inside the transaction, before its commit. A callback that throws writes nothing.
 *
 * Rules (docs/architecture/outbox.md):
 *   - `Job.inTransaction(tx)` / `{ transaction: tx }` inside a scope on that same `tx` join the
 *     scope's buffer (so helpers that take a tx cost no statement of their own); naming another
 *     transaction, or outside any scope on it, they stage at the call (one statement each);
 *   - a scope nested in one on the same transaction joins it: its jobs are written with the
 *     outer scope's (dropped if its own callback throws); on another transaction it is its own;
 *   - a call that starts after its scope ended (a timer or loop begun inside it) enqueues as
 *     outside any scope; `withTransaction` without a transaction throws OutboxTransactionError;
 *   - Batch.add enqueues directly, as outside a scope (its Redis state is not transactional).
 *
 * Example:
 *   await transaction(prisma, async (tx) => {
 *     const post = await tx.post.update(...);
 *     await ResizeJob.performLater(post, 640);          // buffered
 *     await ResizeJob.set({ wait: 60 }).performLater(post, 320);
 *   });                                                  // one INSERT, then COMMIT
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { OutboxTransactionError } from './errors';
import type { StagedJob } from './staged-job';
import { stageJobs } from './staging';
import { checkTransaction, type OutboxTransaction } from './transaction';

export class TransactionScope {
  /** Buffered rows, written when the scope ends (or handed to the joined outer scope). */
  private readonly rows: StagedJob[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private open = true;

  constructor(
    readonly transaction: OutboxTransaction,
    /** The scope this one was opened in (ALS), if any. */
    readonly outer: TransactionScope | undefined,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** Same transaction as the enclosing open scope: its rows go there, written once. */
  get joinsOuter(): boolean {
    return this.outer?.transaction === this.transaction;
  }

  /** Keeps a running enqueue in view, so the scope ends only after it buffered its rows. */
  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const done = () => this.pending.delete(work);
    work.then(done, done);
    return work;
  }

  buffer(rows: readonly StagedJob[]): void {
    this.rows.push(...rows);
  }

  /** Called once the callback resolved: waits for its running enqueues, then writes or joins. */
  async finish(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    this.open = false;
    if (this.joinsOuter && this.outer?.isOpen) this.outer.buffer(this.rows);
    else await stageJobs(this.transaction, this.rows);
  }

  /** The callback threw: the buffered rows are dropped. */
  discard(): void {
    this.open = false;
    this.rows.length = 0;
  }
}

const storage = new AsyncLocalStorage<TransactionScope>();

/** The innermost scope still open around this call, if any. */
export function activeScope(): TransactionScope | undefined {
  let scope = storage.getStore();
  while (scope && !scope.isOpen) scope = scope.outer;
  return scope;
}

/** The innermost open scope around this call on `transaction`, if any. */
export function scopeOf(transaction: unknown): TransactionScope | undefined {
  let scope = activeScope();
  while (scope && (scope.transaction !== transaction || !scope.isOpen)) scope = scope.outer;
  return scope;
}

/**
 * Runs `fn` with every performLater inside it staged in `tx`, an open transaction (a Prisma
 * interactive transaction client, or a pg client inside BEGIN); the jobs are written in one
 * statement when `fn` resolves, before the caller commits.
 */
export async function withTransaction<R>(tx: unknown, fn: () => R | Promise<R>): Promise<R> {
  checkTransaction(tx);
  const scope = new TransactionScope(tx, activeScope());
  let result: R;
  try {
    result = await storage.run(scope, fn);
  } catch (error) {
    scope.discard();
    throw error;
  }
  await scope.finish();
  return result;
}

/**
 * Something that opens an interactive transaction: the Prisma client (or an extended one), whose
 * `$transaction(fn, options)` passes `fn` a transaction client `T` and takes options `O`.
 */
export interface TransactionOpener<T, O> {
  $transaction<R>(fn: (tx: T) => Promise<R>, options?: O): PromiseLike<R>;
}

/**
 * Opens a transaction on `db` (`db.$transaction(fn, options)`) and runs `fn(tx)` inside a scope
 * on it (withTransaction): the transaction's writes and its jobs commit together, and all its
 * performLater calls cost one statement.
 */
export async function transaction<T, R, O = unknown>(
  db: TransactionOpener<T, O>,
  fn: (tx: T) => Promise<R>,
  options?: O,
): Promise<R> {
  if (typeof (db as Partial<TransactionOpener<T, O>> | null)?.$transaction !== 'function') {
    throw new OutboxTransactionError(
      'transaction(db, fn) opens a transaction on the Prisma client (db.$transaction); inside an open one use withTransaction(tx, fn)',
    );
  }
  return db.$transaction((tx) => withTransaction(tx, () => fn(tx)), options);
}
