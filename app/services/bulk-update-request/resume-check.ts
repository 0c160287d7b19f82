/**
 * Validation for approving a failed bulk update request again (approveBur resumes it): only the
 * lines that are not done are checked, against the database as the done lines left it, in the
 * approval context (an edit of a failed request checks them in the request context).
 *
 * Steps of checkRemainingLines(db, bur):
 *   1. parse the stored script (a script that no longer parses fails the check as it is);
 *   2. keep the lines whose row is not `done`;
 *   3. validate them through a TagReadRepository that does not see the aliases and implications
 *      the started lines created (status processing, read from the line rows as they ran): those
 *      are the line's own work, not a conflict with it.
 *
 * Example:
 *   const check = await checkRemainingLines(db, bur);   // bur.status === 'failed'
 *   if (!check.ok) throw new BurValidationError(summarize(check), check);
 */
import type { AppPrismaClient } from '../../db/client';
import type { BulkUpdateRequest } from '../../db/generated/client';
import { findLines } from '../../db/bulk-update-request.repository';
import {
  createTagRepository,
  type TagReadRepository,
  type TagRelationshipSnapshot,
} from '../../db/tag.repository';
import { parseLine, parseScript } from './script-parser';
import { validateLines } from './script-validator';
import type { ScriptCheck, ValidationContext } from './types';

/** A TagReadRepository that does not see the given live aliases and implications. */
function hidingRelationships(
  repository: TagReadRepository,
  hidden: { aliases: TagRelationshipSnapshot[]; implications: TagRelationshipSnapshot[] },
): TagReadRepository {
  const key = (r: TagRelationshipSnapshot) => `${r.antecedentName}\u0000${r.consequentName}`;
  const aliases = new Set(hidden.aliases.map(key));
  const implications = new Set(hidden.implications.map(key));
  return {
    findTags: (names) => repository.findTags(names),
    countPostsWithAny: (names) => repository.countPostsWithAny(names),
    findLiveAliases: async (names) =>
      (await repository.findLiveAliases(names)).filter((r) => !aliases.has(key(r))),
    findLiveImplications: async (names) =>
      (await repository.findLiveImplications(names)).filter((r) => !implications.has(key(r))),
  };
}

/**
 * Validation for re-approving a failed request: the lines that are not done, against the database
 * as it is now, without the relationships their own started lines created. `script`: an edit's new
 * script (failed-request.ts), whose done lines are those of the stored one.
 */
export async function checkRemainingLines(
  db: AppPrismaClient,
  bur: BulkUpdateRequest,
  script: string = bur.script,
  context: ValidationContext = 'approval',
): Promise<ScriptCheck> {
  const parsed = parseScript(script);
  if (parsed.scriptErrors.length > 0 || parsed.errors.length > 0) {
    return { ok: false, lines: parsed.lines, errors: parsed.errors, scriptErrors: parsed.scriptErrors };
  }
  const rows = new Map((await findLines(db, bur.id)).map((row) => [row.lineNumber, row]));
  const remaining = parsed.lines.filter((line) => rows.get(line.lineNumber)?.status !== 'done');
  const hidden = { aliases: [] as TagRelationshipSnapshot[], implications: [] as TagRelationshipSnapshot[] };
  // The relationships the started lines created, read from the rows as run (an edit may have
  // changed the script since: failed-request.ts deletes those of the lines it changes).
  for (const row of rows.values()) {
    if (row.status === 'done' || row.startedAt === null) continue;
    const started = parseLine(row.text);
    if ('reason' in started) continue;
    const { command } = started;
    if (command.kind === 'createAlias')
      hidden.aliases.push({ antecedentName: command.antecedent, consequentName: command.consequent });
    if (command.kind === 'createImplication') {
      hidden.implications.push({ antecedentName: command.antecedent, consequentName: command.consequent });
    }
  }
  const errors = await validateLines(
    remaining,
    hidingRelationships(createTagRepository(db), hidden),
    context,
  );
  return { ok: errors.length === 0, lines: parsed.lines, errors, scriptErrors: [] };
}
