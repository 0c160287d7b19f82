/**
 * Bulk update requests: the public entry for web controllers and jobs.
 *
 * Steps: checkScript(script, createTagRepository(client)) on create, edit and approval; a script
 * with check.ok may be approved; check.lines are the commands to run, in order, each with the
 * line number and canonical text its BulkUpdateRequestLine row stores.
 *
 * Example:
 *   import { checkScript } from '../services/bulk-update-request';
 *   const check = await checkScript(bur.script, createTagRepository(prisma()));
 *   if (!check.ok) return render(check.scriptErrors, check.errors);
 */
export { checkScript, commandTagNames, validateLines } from './script-validator';
export { canonicalCommand } from './script-canonical';
export { parseLine } from './script-line';
export { parseScript } from './script-parser';
export {
  checkTagName,
  normalizeTagName,
  MAX_TAG_NAME_LENGTH,
  type TagNameProblem,
  type TagNameRule,
} from './tag-name';
export * from './types';
