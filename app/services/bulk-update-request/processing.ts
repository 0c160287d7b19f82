/**
 * Processing an approved bulk update request: runs its lines in order, recording each line's
 * outcome as it completes. What ProcessBulkUpdateRequestJob (jobs/) calls; it needs no queue.
 *
 * Steps of processBulkUpdateRequest(db, burId, options):
 *   1. Load the request; do nothing unless its status is `processing` (a deleted, rejected or
 *      already completed request: 'skipped').
 *   2. For each line row in line-number order that is not `done` (done lines of an earlier run
 *      are skipped, so a re-approved request resumes at its failed line):
 *        a. read the command back from the row's canonical text (parseLine);
 *        b. mark the line running (startedAt) and report progress { line: k, lines: n, ... };
 *        c. run the command (commands/): large lines in chunk statements that advance the line's
 *           rowsDone and report progress after each chunk, honouring options.signal between chunks;
 *        d. ONE transaction: the command's finishing step, the line marked done (finishedAt) and
 *           one ModAction (creator: the approver; subject: the request); then the command's
 *           afterCommit, if any (a category line stages UpdateTagCategoryPostCountsJob in that transaction instead).
 *      No transaction spans lines, so lines that finished stay applied whatever happens next.
 *   3. A line that throws stops the request: the line becomes `failed` with the error, the request
 *      `failed` with failedLine (its line number) and failedError; BurLineFailedError is thrown.
 *      Except an interruption (options.isInterruption, e.g. a worker shutting down, after which
 *      the job runs again): the request stays `processing` and the error is rethrown as is.
 *   4. All lines done: status `completed`, completedAt.
 *
 * Example:
 *   await processBulkUpdateRequest(prisma(), 12, { signal: job.signal, onProgress: (p) => job.reportProgress(p) });
 */
import type { AppPrismaClient } from '../../db/client';
import {
  completeBur,
  failLine,
  findBur,
  findLines,
  finishLine,
  startLine,
} from '../../db/bulk-update-request.repository';
import { logModAction } from '../../db/mod-action.repository';
import { BurCommandError, DEFAULT_CHUNK_SIZE, runCommand, type CommandContext } from './commands/index';
import { checkSignal } from './commands/context';
import { parseLine } from './script-parser';

/** Progress of a request, as reported after each step (the job hands it to reportProgress). */
export interface BurProgress {
  burId: number;
  /** 1-based position of the running line among the request's lines. */
  line: number;
  /** How many lines the request has. */
  lines: number;
  /** The running line's number in the script as written. */
  lineNumber: number;
  /** Posts the line has changed so far, and in all (null until known; small lines have none). */
  rowsDone: number;
  rowsTotal: number | null;
}

export interface ProcessOptions {
  /** Aborted: the running line stops between chunks with the signal's reason. */
  signal?: AbortSignal;
  onProgress?: (progress: BurProgress) => unknown;
  /** Posts per chunk statement. @defaultValue DEFAULT_CHUNK_SIZE (5,000) */
  chunkSize?: number;
  /** Errors after which the request stays processing because it will be run again. */
  isInterruption?: (error: unknown) => boolean;
  /** A failure after a line committed (its follow-up job could not be enqueued); the line stays done. */
  onWarning?: (message: string, error: unknown) => void;
}

export type ProcessResult =
  | { status: 'completed'; burId: number; lines: number; ranLines: number }
  | { status: 'skipped'; burId: number; reason: string };

/** A line failed; the request is now `failed` at that line. */
export class BurLineFailedError extends Error {
  override name = 'BurLineFailedError';
  constructor(
    readonly burId: number,
    readonly lineNumber: number,
    readonly text: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`bulk update request #${burId} failed at line ${lineNumber} (${text}): ${reason}`, options);
  }
}

/** A line's outcome as stored: a command error's own message, other errors with their name. */
export function describeError(error: unknown): string {
  if (error instanceof BurCommandError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

class LineDoneElsewhere extends Error {}

const NEVER_ABORTED = new AbortController().signal;

export async function processBulkUpdateRequest(
  db: AppPrismaClient,
  burId: number,
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  const signal = options.signal ?? NEVER_ABORTED;
  const bur = await findBur(db, burId);
  if (!bur) return { status: 'skipped', burId, reason: 'no such bulk update request' };
  if (bur.status !== 'processing')
    return { status: 'skipped', burId, reason: `its status is ${bur.status}, not processing` };

  const rows = await findLines(db, burId);
  let ranLines = 0;
  for (const [index, row] of rows.entries()) {
    if (row.status === 'done') continue;
    const position = { burId, line: index + 1, lines: rows.length, lineNumber: row.lineNumber };
    let rowsTotal: number | null = null;
    const report = async (rowsDone: number) => {
      await options.onProgress?.({ ...position, rowsDone, rowsTotal });
    };
    try {
      checkSignal(signal);
      const parsed = parseLine(row.text);
      if ('reason' in parsed) throw new BurCommandError(`the line cannot be read: ${parsed.reason}`);
      await startLine(db, row.id);
      await report(row.rowsDone);
      const ctx: CommandContext = {
        db,
        burId,
        creatorId: bur.userId,
        approverId: bur.approverId,
        chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
        signal,
        line: { id: row.id, rowsDone: row.rowsDone },
        progress: async (rowsDone, total) => {
          if (rowsTotal !== total) {
            rowsTotal = total;
            await db.bulkUpdateRequestLine.update({
              where: { id: row.id },
              data: { rowsTotal: total },
              select: { id: true },
            });
          }
          await report(rowsDone);
        },
      };
      const finish = await runCommand(ctx, parsed.command);
      const afterCommit = await db.$transaction(async (tx) => {
        const { afterCommit: then, ...action } = await finish(tx);
        if (!(await finishLine(tx, row.id))) throw new LineDoneElsewhere();
        await logModAction(tx, {
          ...action,
          creatorId: bur.approverId,
          subject: { type: 'BulkUpdateRequest', id: burId },
        });
        return then;
      });
      ranLines += 1;
      try {
        await afterCommit?.();
      } catch (error) {
        options.onWarning?.(
          `bulk update request #${burId} line ${row.lineNumber}: the follow-up after the line failed: ${describeError(error)}`,
          error,
        );
      }
      await report(ctx.line.rowsDone);
    } catch (error) {
      if (error instanceof LineDoneElsewhere) continue;
      if (options.isInterruption?.(error)) throw error;
      const reason = describeError(error);
      await failLine(db, burId, row, reason);
      throw new BurLineFailedError(burId, row.lineNumber, row.text, reason, { cause: error });
    }
  }
  await completeBur(db, burId);
  return { status: 'completed', burId, lines: rows.length, ranLines };
}
