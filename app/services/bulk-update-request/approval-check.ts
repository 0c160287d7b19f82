/**
 * The validation approveBur runs, in Danbooru's approval context (script-validator.ts): rules
 * Danbooru checks only when a request is made or edited are skipped, so a harmless change since
 * then (an alias already removed, a tag already in its category) does not block approval.
 *
 * Steps of checkForApproval(db, bur):
 *   - a failed request (approved again): its lines not done (resume-check.ts);
 *   - a pending request: the whole script in the approval context, plus the errors its lines were
 *     stored with at its last create or edit (request context). Danbooru never stores a request
 *     that fails its request-time validation; here one is stored with its line errors, and those
 *     keep blocking approval until the author edits the script.
 *
 * Example: const check = await checkForApproval(db, bur); if (!check.ok) throw new BurValidationError(...)
 */
import type { AppPrismaClient } from '../../db/client';
import type { BulkUpdateRequest } from '../../db/generated/client';
import { findLines } from '../../db/bulk-update-request.repository';
import { createTagRepository } from '../../db/tag.repository';
import { checkRemainingLines } from './resume-check';
import { checkScript } from './script-validator';
import type { LineError, ScriptCheck } from './types';

export async function checkForApproval(db: AppPrismaClient, bur: BulkUpdateRequest): Promise<ScriptCheck> {
  if (bur.status === 'failed') return checkRemainingLines(db, bur);
  const check = await checkScript(bur.script, createTagRepository(db), 'approval');
  const found = new Set(check.errors.map((error) => error.lineNumber));
  const stored: LineError[] = (await findLines(db, bur.id)).flatMap((row) =>
    row.status === 'failed' && row.error !== null && !found.has(row.lineNumber)
      ? [{ lineNumber: row.lineNumber, text: row.text, reason: row.error }]
      : [],
  );
  if (stored.length === 0) return check;
  const errors = [...check.errors, ...stored].sort((a, b) => a.lineNumber - b.lineNumber);
  return { ...check, ok: false, errors };
}
