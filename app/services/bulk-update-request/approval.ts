/**
 * The life of a bulk update request (BUR) up to its processing: create, edit, approve, reject.
 * Web controllers call these and nothing else; approveBur enqueues the processing job itself.
 *
 * Policy (who may do what):
 *   - create: any signed-in user (member and above).
 *   - edit (script, title, reason): its author or a moderator and above, while it is pending.
 *   - approve: moderators and admins (BUR_APPROVER_LEVEL). Danbooru also lets builders approve
 *     small requests; here one rule, kept simple: moderator+. A moderator may approve their own.
 *   - reject: its author or a moderator and above, while it is pending.
 *
 * Statuses: pending -> processing (approveBur) -> completed | failed; pending -> rejected.
 * `approved` (in the enum, unused by this flow) counts as approved: approving an approved,
 * processing or completed request throws BurAlreadyApprovedError. A failed request may be
 * approved again: processing resumes at its failed line and skips the lines that are done.
 *
 * Validation: checkScript on create, on edit and again at approval. A script over its limits
 * (or empty) is refused and not stored. Otherwise the request is stored with its per-line result
 * in bulk_update_request_lines (a bad line: status failed, error = the reason; see
 * app/db/bulk-update-request.repository.ts), and approval refuses any script that does not
 * validate now, so a malformed script can never be approved. Re-approving a failed request
 * validates the lines that are not done against the database as the done lines left it; the
 * alias or implication a started line created (status processing) is that line's own and is not
 * held against it.
 *
 * Errors carry an HTTP-style `status` that the web error handler maps: BurValidationError 422
 * (with the check), BurPermissionError 403, BurNotFoundError 404, BurStateError and
 * BurAlreadyApprovedError 409.
 *
 * Example:
 *   const { bur, check } = await createBur(user, 'alias long_hair -> very_long_hair', 'Hair');
 *   if (check.ok) await approveBur(bur, moderator);   // status processing; one job on bulk_update
 */
import type { AppPrismaClient } from '../../db/client';
import { prisma } from '../../db/client';
import type { BulkUpdateRequest } from '../../db/generated/client';
import type { BulkUpdateRequestStatus, UserLevel } from '../../db/generated/enums';
import {
  claimForProcessing,
  createBurRecord,
  failBur,
  findBur,
  findLines,
  recordLines,
  replaceLines,
  resetUnfinishedLines,
  transitionBur,
  type LineResult,
} from '../../db/bulk-update-request.repository';
import { logModAction } from '../../db/mod-action.repository';
import { createTagRepository, type TagReadRepository, type TagRelationshipSnapshot } from '../../db/tag.repository';
import { ProcessBulkUpdateRequestJob } from '../../../jobs/process-bulk-update-request.job';
import { parseScript } from './script-parser';
import { checkScript, validateLines } from './script-validator';
import type { ScriptCheck } from './types';

/** The lowest level that may approve a BUR. */
export const BUR_APPROVER_LEVEL: UserLevel = 'moderator';
/** Longest title, in characters. @defaultValue 200 */
export const MAX_BUR_TITLE_LENGTH = 200;
/** Longest reason, in characters. @defaultValue 10,000 */
export const MAX_BUR_REASON_LENGTH = 10_000;

const LEVEL_ORDER: readonly UserLevel[] = ['member', 'builder', 'moderator', 'admin'];

/** Who acts: a user's id and level. */
export interface BurActor {
  id: number;
  level: UserLevel;
}

export interface BurServiceOptions {
  /** @defaultValue prisma() */
  db?: AppPrismaClient;
}

// ---- errors -------------------------------------------------------------------------------

export class BurError extends Error {
  override name = 'BurError';
  readonly status: number = 400;
}

/** The script (or title) is not valid: nothing was approved. `check` holds every problem. */
export class BurValidationError extends BurError {
  override name = 'BurValidationError';
  override readonly status = 422;
  constructor(
    message: string,
    readonly check?: ScriptCheck,
  ) {
    super(message);
  }
}

export class BurPermissionError extends BurError {
  override name = 'BurPermissionError';
  override readonly status = 403;
}

export class BurNotFoundError extends BurError {
  override name = 'BurNotFoundError';
  override readonly status = 404;
}

/** The request's status does not allow the action. */
export class BurStateError extends BurError {
  override name = 'BurStateError';
  override readonly status = 409;
  constructor(
    message: string,
    readonly burStatus: BulkUpdateRequestStatus,
  ) {
    super(message);
  }
}

/** Approving a request that is approved, processing or completed. */
export class BurAlreadyApprovedError extends BurStateError {
  override name = 'BurAlreadyApprovedError';
}

// ---- policy -------------------------------------------------------------------------------

function atLeast(level: UserLevel, required: UserLevel): boolean {
  return LEVEL_ORDER.indexOf(level) >= LEVEL_ORDER.indexOf(required);
}

export function canApproveBur(user: BurActor): boolean {
  return atLeast(user.level, BUR_APPROVER_LEVEL);
}

/** Author or moderator+ (edit and reject). */
export function canManageBur(user: BurActor, bur: Pick<BulkUpdateRequest, 'userId'>): boolean {
  return bur.userId === user.id || atLeast(user.level, 'moderator');
}

// ---- helpers ------------------------------------------------------------------------------

function summarize(check: ScriptCheck): string {
  const parts = [...check.scriptErrors, ...check.errors.map((error) => `line ${error.lineNumber}: ${error.reason}`)];
  const shown = parts.slice(0, 5).join('; ');
  return `the script is not valid: ${shown}${parts.length > 5 ? `; and ${parts.length - 5} more` : ''}`;
}

/** The line rows of a validation result: good lines in canonical form, bad ones as written. */
export function lineResults(check: ScriptCheck): LineResult[] {
  const errors = new Map(check.errors.map((error) => [error.lineNumber, error]));
  const results: LineResult[] = check.lines.map((line) => {
    const error = errors.get(line.lineNumber);
    return { lineNumber: line.lineNumber, text: error ? line.text : line.canonical, error: error?.reason ?? null };
  });
  const parsed = new Set(check.lines.map((line) => line.lineNumber));
  for (const error of check.errors) {
    if (!parsed.has(error.lineNumber)) results.push({ lineNumber: error.lineNumber, text: error.text, error: error.reason });
  }
  return results.sort((a, b) => a.lineNumber - b.lineNumber);
}

function cleanTitle(title: string | null | undefined): string | null {
  const trimmed = (title ?? '').replace(/\s+/gu, ' ').trim();
  if ([...trimmed].length > MAX_BUR_TITLE_LENGTH) throw new BurValidationError(`the title is longer than ${MAX_BUR_TITLE_LENGTH} characters`);
  return trimmed === '' ? null : trimmed;
}

function cleanReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  if ([...reason].length > MAX_BUR_REASON_LENGTH) throw new BurValidationError(`the reason is longer than ${MAX_BUR_REASON_LENGTH} characters`);
  return reason.trim();
}

async function checkForStorage(db: AppPrismaClient, script: string): Promise<ScriptCheck> {
  if (typeof script !== 'string') throw new BurValidationError('the script must be text');
  const check = await checkScript(script, createTagRepository(db));
  if (check.scriptErrors.length > 0) throw new BurValidationError(summarize(check), check);
  return check;
}

async function loadBur(db: Parameters<typeof findBur>[0], id: number): Promise<BulkUpdateRequest> {
  const bur = await findBur(db, id);
  if (!bur) throw new BurNotFoundError(`no bulk update request #${id}`);
  return bur;
}

function refuseApproval(bur: Pick<BulkUpdateRequest, 'id' | 'status'>): never {
  switch (bur.status) {
    case 'approved':
    case 'processing':
      throw new BurAlreadyApprovedError(`bulk update request #${bur.id} is already approved (status ${bur.status})`, bur.status);
    case 'completed':
      throw new BurAlreadyApprovedError(`bulk update request #${bur.id} was approved and has completed`, bur.status);
    default:
      throw new BurStateError(`bulk update request #${bur.id} is ${bur.status} and cannot be approved`, bur.status);
  }
}

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
    findLiveAliases: async (names) => (await repository.findLiveAliases(names)).filter((r) => !aliases.has(key(r))),
    findLiveImplications: async (names) => (await repository.findLiveImplications(names)).filter((r) => !implications.has(key(r))),
  };
}

/**
 * Validation for re-approving a failed request: the lines that are not done, against the database
 * as it is now, without the relationships their own started lines created.
 */
async function checkRemainingLines(db: AppPrismaClient, bur: BulkUpdateRequest): Promise<ScriptCheck> {
  const parsed = parseScript(bur.script);
  if (parsed.scriptErrors.length > 0 || parsed.errors.length > 0) {
    return { ok: false, lines: parsed.lines, errors: parsed.errors, scriptErrors: parsed.scriptErrors };
  }
  const rows = new Map((await findLines(db, bur.id)).map((row) => [row.lineNumber, row]));
  const remaining = parsed.lines.filter((line) => rows.get(line.lineNumber)?.status !== 'done');
  const hidden = { aliases: [] as TagRelationshipSnapshot[], implications: [] as TagRelationshipSnapshot[] };
  for (const line of remaining) {
    if (rows.get(line.lineNumber)?.startedAt == null) continue;
    const { command } = line;
    if (command.kind === 'createAlias') hidden.aliases.push({ antecedentName: command.antecedent, consequentName: command.consequent });
    if (command.kind === 'createImplication') {
      hidden.implications.push({ antecedentName: command.antecedent, consequentName: command.consequent });
    }
  }
  const errors = await validateLines(remaining, hidingRelationships(createTagRepository(db), hidden));
  return { ok: errors.length === 0, lines: parsed.lines, errors, scriptErrors: [] };
}

// ---- the service --------------------------------------------------------------------------

export interface BurWithCheck {
  bur: BulkUpdateRequest;
  /** The validation of the stored script; check.ok: it may be approved. */
  check: ScriptCheck;
}

/**
 * Creates a pending request by `user`. A script over its limits or empty throws
 * BurValidationError and stores nothing; bad lines are stored as the request's line errors.
 */
export async function createBur(
  user: BurActor,
  script: string,
  title?: string | null,
  options: BurServiceOptions & { reason?: string } = {},
): Promise<BurWithCheck> {
  const db = options.db ?? prisma();
  const cleanedTitle = cleanTitle(title);
  const reason = cleanReason(options.reason);
  const check = await checkForStorage(db, script);
  const bur = await db.$transaction(async (tx) => {
    const created = await createBurRecord(tx, { userId: user.id, script, title: cleanedTitle, reason });
    await replaceLines(tx, created.id, lineResults(check));
    return created;
  });
  return { bur, check };
}

export interface BurChanges {
  script?: string;
  title?: string | null;
  reason?: string;
}

/** Edits a pending request (its author or a moderator+), validating a new script as createBur does. */
export async function updateBur(
  bur: Pick<BulkUpdateRequest, 'id'>,
  user: BurActor,
  changes: BurChanges,
  options: BurServiceOptions = {},
): Promise<BurWithCheck> {
  const db = options.db ?? prisma();
  const current = await loadBur(db, bur.id);
  if (!canManageBur(user, current)) throw new BurPermissionError(`only its author or a moderator may edit bulk update request #${current.id}`);
  if (current.status !== 'pending') {
    throw new BurStateError(`bulk update request #${current.id} is ${current.status}: only a pending request can be edited`, current.status);
  }
  const title = changes.title === undefined ? current.title : cleanTitle(changes.title);
  const reason = cleanReason(changes.reason) ?? current.reason;
  const script = changes.script ?? current.script;
  const check = await checkForStorage(db, script);
  const updated = await db.$transaction(async (tx) => {
    const { count } = await tx.bulkUpdateRequest.updateMany({ where: { id: current.id, status: 'pending' }, data: { script, title, reason } });
    if (count === 0) {
      const now = await loadBur(tx, current.id);
      throw new BurStateError(`bulk update request #${current.id} is ${now.status}: only a pending request can be edited`, now.status);
    }
    await replaceLines(tx, current.id, lineResults(check));
    return loadBur(tx, current.id);
  });
  return { bur: updated, check };
}

export interface ApprovedBur {
  bur: BulkUpdateRequest;
  /** The id of the ProcessBulkUpdateRequestJob enqueued for it. */
  jobId: string;
  /** True when a failed request was approved again (processing resumes at its failed line). */
  resumed: boolean;
}

/**
 * Approves a pending request, or a failed one again (moderator+): validates again, sets status
 * processing, records the lines to run, logs the approval and enqueues ONE
 * ProcessBulkUpdateRequestJob on bulk_update. Throws BurAlreadyApprovedError for a request that is
 * approved, processing or completed, BurValidationError when the script does not validate now
 * (a pending request's stored line errors are refreshed), BurPermissionError below moderator.
 * When the job cannot be enqueued the request is marked failed (approve it again later) and the
 * enqueue error is thrown.
 */
export async function approveBur(bur: Pick<BulkUpdateRequest, 'id'>, approver: BurActor, options: BurServiceOptions = {}): Promise<ApprovedBur> {
  const db = options.db ?? prisma();
  if (!canApproveBur(approver)) throw new BurPermissionError(`approving bulk update requests takes a ${BUR_APPROVER_LEVEL} or above`);
  const current = await loadBur(db, bur.id);
  if (current.status !== 'pending' && current.status !== 'failed') refuseApproval(current);
  const resumed = current.status === 'failed';

  const check = resumed ? await checkRemainingLines(db, current) : await checkScript(current.script, createTagRepository(db));
  if (!check.ok) {
    if (!resumed) await replaceLines(db, current.id, lineResults(check));
    throw new BurValidationError(summarize(check), check);
  }

  const failedLine = current.failedLine;
  await db.$transaction(async (tx) => {
    if (!(await claimForProcessing(tx, current.id, current.status, approver.id))) refuseApproval(await loadBur(tx, current.id));
    const commands = check.lines.map((line) => ({ lineNumber: line.lineNumber, text: line.canonical }));
    if (resumed) {
      await recordLines(tx, current.id, commands);
      await resetUnfinishedLines(tx, current.id);
    } else {
      await replaceLines(tx, current.id, commands.map((line) => ({ ...line, error: null })));
    }
    await logModAction(tx, {
      creatorId: approver.id,
      category: 'bulk_update_request_approve',
      description: resumed
        ? `approved bulk update request #${current.id} again${failedLine === null ? '' : ` (resuming at line ${failedLine})`}`
        : `approved bulk update request #${current.id}`,
      subject: { type: 'BulkUpdateRequest', id: current.id },
    });
  });

  let jobId: string;
  try {
    jobId = (await ProcessBulkUpdateRequestJob.performLater(current.id)).jobId;
  } catch (error) {
    await failBur(db, current.id, `the processing job could not be enqueued: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  return { bur: await loadBur(db, current.id), jobId, resumed };
}

/** Rejects a pending request (its author or a moderator+) and logs it. */
export async function rejectBur(bur: Pick<BulkUpdateRequest, 'id'>, user: BurActor, options: BurServiceOptions = {}): Promise<BulkUpdateRequest> {
  const db = options.db ?? prisma();
  const current = await loadBur(db, bur.id);
  if (!canManageBur(user, current)) throw new BurPermissionError(`only its author or a moderator may reject bulk update request #${current.id}`);
  await db.$transaction(async (tx) => {
    if (!(await transitionBur(tx, current.id, ['pending'], 'rejected'))) {
      const now = await loadBur(tx, current.id);
      throw new BurStateError(`bulk update request #${current.id} is ${now.status}: only a pending request can be rejected`, now.status);
    }
    await logModAction(tx, {
      creatorId: user.id,
      category: 'bulk_update_request_reject',
      description: `rejected bulk update request #${current.id}`,
      subject: { type: 'BulkUpdateRequest', id: current.id },
    });
  });
  return loadBur(db, current.id);
}
