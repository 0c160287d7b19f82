/**
 * Editing and rejecting a failed bulk update request: what happens to the lines an earlier
 * approval ran. approval.ts's updateBur and rejectBur call these; re-approval resumes as before
 * (resume-check.ts, processing.ts skip the done lines).
 *
 * Rules:
 *   - a done line stays as it is: an edit that changes or drops it is refused (BurValidationError
 *     naming the line), since its effect is already in the database;
 *   - the other lines are validated as a request (against the database the done lines left) and
 *     stored; a line row whose text is unchanged is kept (its progress and start time with it);
 *   - a started `create alias` or `create implication` line that the edit changes or drops, or a
 *     request rejected while failed, leaves no half-made relationship behind: the relationship it
 *     created in status `processing` becomes `deleted` (posts it already moved stay moved, as in
 *     Danbooru, which has no transaction around a line either).
 *
 * Example:
 *   const { check, keep } = await checkFailedEdit(db, bur, newScript);
 *   await db.$transaction((tx) => storeFailedEdit(tx, bur.id, check, keep));
 */
import type { AppPrismaClient } from '../../db/client';
import type { BulkUpdateRequest, BulkUpdateRequestLine } from '../../db/generated/client';
import { findLines, truncateError, type LineResult } from '../../db/bulk-update-request.repository';
import type { Tx } from './commands/context';
import { BurValidationError } from './errors';
import { lineResults, summarize } from './request-input';
import { checkRemainingLines } from './resume-check';
import { parseLine, parseScript } from './script-parser';
import type { ScriptCheck } from './types';

export interface FailedEdit {
  check: ScriptCheck;
  /** Line rows to keep as they are: done, or not done with unchanged text. */
  keep: ReadonlySet<number>;
}

/** Validates `script` as the new script of the failed request `bur`; throws when it changes a done line. */
export async function checkFailedEdit(
  db: AppPrismaClient,
  bur: BulkUpdateRequest,
  script: string,
): Promise<FailedEdit> {
  const parsed = parseScript(script);
  if (parsed.scriptErrors.length > 0) {
    const check = {
      ok: false,
      lines: parsed.lines,
      errors: parsed.errors,
      scriptErrors: parsed.scriptErrors,
    };
    throw new BurValidationError(summarize(check), check);
  }
  const canonical = new Map(parsed.lines.map((line) => [line.lineNumber, line.canonical]));
  const keep = new Set<number>();
  for (const row of await findLines(db, bur.id)) {
    const same = canonical.get(row.lineNumber) === row.text;
    if (row.status === 'done' && !same) {
      throw new BurValidationError(
        `line ${row.lineNumber} (${row.text}) is done and cannot be changed: its effect is already applied`,
      );
    }
    if (same) keep.add(row.lineNumber);
  }
  return { check: await checkRemainingLines(db, bur, script, 'request'), keep };
}

/** Started create alias / create implication lines among `rows`: their half-made relationship is deleted. */
export async function abandonStartedLines(tx: Tx, rows: readonly BulkUpdateRequestLine[]): Promise<void> {
  for (const row of rows) {
    if (row.status === 'done' || row.startedAt === null) continue;
    const parsed = parseLine(row.text);
    if ('reason' in parsed) continue;
    const { command } = parsed;
    if (command.kind !== 'createAlias' && command.kind !== 'createImplication') continue;
    const where = {
      antecedentName: command.antecedent,
      consequentName: command.consequent,
      status: 'processing' as const,
    };
    const data = { status: 'deleted' as const };
    if (command.kind === 'createAlias') await tx.tagAlias.updateMany({ where, data });
    else await tx.tagImplication.updateMany({ where, data });
  }
}

/** Stores a failed request's edited lines: kept rows stay, the rest are replaced by the check's results. */
export async function storeFailedEdit(tx: Tx, burId: number, edit: FailedEdit): Promise<void> {
  const rows = await findLines(tx, burId);
  const dropped = rows.filter((row) => !edit.keep.has(row.lineNumber));
  await abandonStartedLines(tx, dropped);
  await tx.bulkUpdateRequestLine.deleteMany({ where: { id: { in: dropped.map((row) => row.id) } } });
  const results: LineResult[] = lineResults(edit.check).filter((line) => !edit.keep.has(line.lineNumber));
  if (results.length === 0) return;
  await tx.bulkUpdateRequestLine.createMany({
    data: results.map((line) => ({
      bulkUpdateRequestId: burId,
      lineNumber: line.lineNumber,
      text: line.text,
      status: line.error === null ? ('pending' as const) : ('failed' as const),
      error: line.error === null ? null : truncateError(line.error),
    })),
  });
}

/** Abandons what a failed request's started lines left half made (rejectBur of a failed request). */
export async function abandonFailedRequest(tx: Tx, burId: number): Promise<void> {
  await abandonStartedLines(tx, await findLines(tx, burId));
}
