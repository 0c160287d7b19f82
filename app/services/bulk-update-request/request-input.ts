/**
 * What a bulk update request stores from its author's input: the title and reason cleaned and
 * bounded, the script validated, and the per-line result that bulk_update_request_lines keeps
 * (see app/db/bulk-update-request.repository.ts).
 *
 * Steps (createBur and updateBur in approval.ts):
 *   1. cleanTitle / cleanReason: whitespace tidied; too long throws BurValidationError.
 *   2. checkForStorage: checkScript over the database; a script refused as a whole (empty, over
 *      its limits) throws BurValidationError and is not stored. Bad lines do not throw: they are
 *      stored with their reasons.
 *   3. lineResults: the rows to store, good lines in canonical form, bad ones as written.
 *
 * Example:
 *   const check = await checkForStorage(db, 'alias a -> b\nfrobnicate x');
 *   lineResults(check)   // [{ lineNumber: 1, text: 'create alias a -> b', error: null }, { lineNumber: 2, ..., error: "unknown command ..." }]
 */
import type { AppPrismaClient } from '../../db/client';
import type { LineResult } from '../../db/bulk-update-request.repository';
import { createTagRepository } from '../../db/tag.repository';
import { BurValidationError } from './errors';
import { checkScript } from './script-validator';
import type { ScriptCheck } from './types';

/** Longest title, in characters. @defaultValue 200 */
export const MAX_BUR_TITLE_LENGTH = 200;
/** Longest reason, in characters. @defaultValue 10,000 */
export const MAX_BUR_REASON_LENGTH = 10_000;

/** One message for a failed check: the first five problems, then how many more. */
export function summarize(check: ScriptCheck): string {
  const parts = [
    ...check.scriptErrors,
    ...check.errors.map((error) => `line ${error.lineNumber}: ${error.reason}`),
  ];
  const shown = parts.slice(0, 5).join('; ');
  return `the script is not valid: ${shown}${parts.length > 5 ? `; and ${parts.length - 5} more` : ''}`;
}

/** The line rows of a validation result: good lines in canonical form, bad ones as written. */
export function lineResults(check: ScriptCheck): LineResult[] {
  const errors = new Map(check.errors.map((error) => [error.lineNumber, error]));
  const results: LineResult[] = check.lines.map((line) => {
    const error = errors.get(line.lineNumber);
    return {
      lineNumber: line.lineNumber,
      text: error ? line.text : line.canonical,
      error: error?.reason ?? null,
    };
  });
  const parsed = new Set(check.lines.map((line) => line.lineNumber));
  for (const error of check.errors) {
    if (!parsed.has(error.lineNumber))
      results.push({ lineNumber: error.lineNumber, text: error.text, error: error.reason });
  }
  return results.sort((a, b) => a.lineNumber - b.lineNumber);
}

/** The title with runs of whitespace collapsed; null when empty. */
export function cleanTitle(title: string | null | undefined): string | null {
  const trimmed = (title ?? '').replace(/\s+/gu, ' ').trim();
  if ([...trimmed].length > MAX_BUR_TITLE_LENGTH)
    throw new BurValidationError(`the title is longer than ${MAX_BUR_TITLE_LENGTH} characters`);
  return trimmed === '' ? null : trimmed;
}

/** The reason trimmed; undefined stays undefined (unchanged). */
export function cleanReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  if ([...reason].length > MAX_BUR_REASON_LENGTH)
    throw new BurValidationError(`the reason is longer than ${MAX_BUR_REASON_LENGTH} characters`);
  return reason.trim();
}

/** Validates a script to store: throws when it is refused as a whole, else resolves the check. */
export async function checkForStorage(db: AppPrismaClient, script: string): Promise<ScriptCheck> {
  if (typeof script !== 'string') throw new BurValidationError('the script must be text');
  const check = await checkScript(script, createTagRepository(db));
  if (check.scriptErrors.length > 0) throw new BurValidationError(summarize(check), check);
  return check;
}
