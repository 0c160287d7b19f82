/**
 * What a BUR command runs with, and what it hands back: the contract between processing.ts (the
 * line loop) and the command modules in this folder.
 *
 * A command runs in two parts:
 *   1. run(ctx, command): the work that may be large (posts moved in chunks, relationships
 *      retargeted), in short statements or short transactions, never one transaction around the
 *      whole line. Every step is idempotent: a line that stopped half way (error, cancel, crash)
 *      is run again from the start and ends in the same state as one uninterrupted run.
 *   2. the Finish it resolves: the last, small step (an alias switched from processing to active,
 *      a category changed, ...), which processing.ts runs in ONE transaction with the line's
 *      `done` mark and its mod action. So a line is either done with its mod action recorded
 *      once, or not done and safe to run again.
 *
 * Example:
 *   const finish = await runCommand(ctx, { kind: 'nuke', tag: 'bad_tag' });
 *   await db.$transaction(async (tx) => { const action = await finish(tx); await logModAction(tx, ...); await finishLine(tx, id) });
 */
import type { AppPrismaClient } from '../../../db/client';
import type { ModActionCategory } from '../../../db/generated/enums';

/** The client inside an interactive transaction. */
export type Tx = Parameters<Parameters<AppPrismaClient['$transaction']>[0]>[0];

/** The client or a transaction: anything raw SQL and model calls can go through. */
export type Db = AppPrismaClient | Tx;

/** Posts per chunk statement of a large line. @defaultValue 5,000 */
export const DEFAULT_CHUNK_SIZE = 5_000;

export interface CommandContext {
  /** Statements outside transactions go here; processing opens the finishing transaction itself. */
  db: AppPrismaClient;
  burId: number;
  /** The request's author: creator of the aliases and implications it makes. */
  creatorId: number | null;
  /** Who approved the request: approver of what it makes, creator of its mod actions. */
  approverId: number | null;
  /** Posts per chunk statement. */
  chunkSize: number;
  /** Checked between chunks: an aborted signal stops the line with its reason. */
  signal: AbortSignal;
  /** The line's row: chunk statements add to its rows_done as they commit. */
  line: { id: number; rowsDone: number };
  /**
   * Called once a large line knows how many posts it will change (rowsTotal, including rows done
   * by an earlier attempt) and after every chunk.
   */
  progress(rowsDone: number, rowsTotal: number): Promise<void>;
}

/** The mod action a finished command records (its creator and subject are processing.ts's). */
export interface ModActionSpec {
  category: ModActionCategory;
  description: string;
}

/** What the finishing step resolves: the mod action, and work to do once its transaction committed. */
export interface FinishResult extends ModActionSpec {
  /**
   * Runs after the line's transaction committed (e.g. enqueue a follow-up job). Its failure does
   * not undo or fail the line: processing reports it through ProcessOptions.onWarning.
   */
  afterCommit?: () => Promise<unknown>;
}

/** The last step of a command, run in the transaction that marks its line done. */
export type Finish = (tx: Tx) => Promise<FinishResult>;

/** A failure a command detects itself (the database no longer fits the line). */
export class BurCommandError extends Error {
  override name = 'BurCommandError';
}

/** Throws the signal's reason when it is aborted (cancel, timeout, worker shutdown). */
export function checkSignal(signal: AbortSignal): void {
  if (!signal.aborted) return;
  const reason: unknown = signal.reason;
  throw reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`);
}

/** Danbooru's wiki-link style for a tag in a mod action: [[name]]. */
export function link(name: string): string {
  return `[[${name}]]`;
}
