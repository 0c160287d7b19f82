/**
 * The life of a bulk update request (BUR) up to its processing: create, edit, approve, reject.
 * Web controllers call these and nothing else; approveBur enqueues the processing job itself.
 * Who may do what: policy.ts. Title, reason and script checks for storage: request-input.ts.
 * Approval's validation (Danbooru's approval context; a failed request: its remaining lines):
 * approval-check.ts. Errors: errors.ts (each with the HTTP-style `status` the web error handler
 * maps). This module re-exports what callers need from those, so importers have one entry.
 *
 * Statuses: pending -> processing (approveBur) -> completed | failed; pending | failed -> rejected.
 * A failed request may also be edited (its done lines stay: failed-request.ts).
 * `approved` (in the enum, unused by this flow) counts as approved: approving an approved,
 * processing or completed request throws BurAlreadyApprovedError. A failed request may be
 * approved again: processing resumes at its failed line and skips the lines that are done. A
 * request fails inside its job (a line fails), or when
 * ReconcileBulkUpdateRequestsJob finds its job dead (app/services/maintenance/bur-reconciliation.ts);
 * every failed request resumes the same way.
 *
 * Steps of approveBur: validate again (a failed request: only its lines not done); ONE
 * transaction: claim the request for processing (status processing, approver, approvedAt, and
 * processingJobId, the id of the job built for it), record the lines to run, log the approval and
 * enqueue that job through the job outbox (Job#enqueue with the transaction): the claim and its job
 * commit together, and an enqueue error rolls the approval back and is thrown.
 *
 * Validation: checkScript on create and edit, again at approval (approval-check.ts). A script
 * over its limits (or empty) is refused and not stored. Otherwise the request is stored with its per-line result
 * in bulk_update_request_lines (a bad line: status failed, error = the reason; see
 * app/db/bulk-update-request.repository.ts), and approval refuses any script that does not
 * validate now, so a malformed script can never be approved.
 *
 * Example:
 *   const { bur, check } = await createBur(user, 'alias long_hair -> very_long_hair', 'Hair');
 *   if (check.ok) await approveBur(bur, admin);   // status processing; one job on bulk_update
 */
import type { AppPrismaClient } from '../../db/client';
import { prisma } from '../../db/client';
import type { BulkUpdateRequest } from '../../db/generated/client';
import {
  claimForProcessing,
  createBurRecord,
  findBur,
  recordLines,
  replaceLines,
  resetUnfinishedLines,
  transitionBur,
} from '../../db/bulk-update-request.repository';
import { logModAction } from '../../db/mod-action.repository';
import { createTagRepository } from '../../db/tag.repository';
import { transaction } from '../../framework/index';
import { ProcessBulkUpdateRequestJob } from '../../../jobs/process-bulk-update-request.job';
import { BurNotFoundError, BurPermissionError, BurStateError, BurValidationError } from './errors';
import { checkForApproval } from './approval-check';
import { requestApprovalLevel } from './approval-level';
import { abandonFailedRequest, checkFailedEdit, storeFailedEdit } from './failed-request';
import {
  BUR_APPROVER_LEVEL,
  canApproveBur,
  canManageBur,
  isOpenBur,
  refuseApproval,
  type BurActor,
} from './policy';
import { checkForStorage, cleanReason, cleanTitle, lineResults, summarize } from './request-input';
import type { ScriptCheck } from './types';

export {
  BurAlreadyApprovedError,
  BurError,
  BurNotFoundError,
  BurPermissionError,
  BurStateError,
  BurValidationError,
} from './errors';
export { requestApprovalLevel } from './approval-level';
export { BUR_APPROVER_LEVEL, canApproveBur, canManageBur, isOpenBur, type BurActor } from './policy';
export { lineResults, MAX_BUR_REASON_LENGTH, MAX_BUR_TITLE_LENGTH } from './request-input';

export interface BurServiceOptions {
  /** @defaultValue prisma() */
  db?: AppPrismaClient;
}

async function loadBur(db: Parameters<typeof findBur>[0], id: number): Promise<BulkUpdateRequest> {
  const bur = await findBur(db, id);
  if (!bur) throw new BurNotFoundError(`no bulk update request #${id}`);
  return bur;
}

/** 'a builder', 'an admin'. */
function article(level: string): string {
  return `${/^[aeiou]/.test(level) ? 'an' : 'a'} ${level}`;
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

/**
 * Edits a pending or failed request (its author or an admin), validating a new script as createBur
 * does; a failed request keeps its done lines (failed-request.ts) and stays failed, to be approved
 * again.
 */
export async function updateBur(
  bur: Pick<BulkUpdateRequest, 'id'>,
  user: BurActor,
  changes: BurChanges,
  options: BurServiceOptions = {},
): Promise<BurWithCheck> {
  const db = options.db ?? prisma();
  const current = await loadBur(db, bur.id);
  if (!canManageBur(user, current))
    throw new BurPermissionError(`only its author or an admin may edit bulk update request #${current.id}`);
  if (!isOpenBur(current)) {
    throw new BurStateError(
      `bulk update request #${current.id} is ${current.status}: only a pending or failed request can be edited`,
      current.status,
    );
  }
  const title = changes.title === undefined ? current.title : cleanTitle(changes.title);
  const reason = cleanReason(changes.reason) ?? current.reason;
  const script = changes.script ?? current.script;
  const failedEdit = current.status === 'failed' ? await checkFailedEdit(db, current, script) : null;
  const check = failedEdit?.check ?? (await checkForStorage(db, script));
  const updated = await db.$transaction(async (tx) => {
    const { count } = await tx.bulkUpdateRequest.updateMany({
      where: { id: current.id, status: current.status },
      data: { script, title, reason },
    });
    if (count === 0) {
      const now = await loadBur(tx, current.id);
      throw new BurStateError(
        `bulk update request #${current.id} is ${now.status}: only a pending or failed request can be edited`,
        now.status,
      );
    }
    if (failedEdit) await storeFailedEdit(tx, current.id, failedEdit);
    else await replaceLines(tx, current.id, lineResults(check));
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
 * Approves a pending request, or a failed one again (a user of at least the request's approval
 * level, policy.ts: admin for most, moderator or builder for some small tags): validates again, sets status
 * processing (with the id of its job), records the lines to run, logs the approval and enqueues
 * ONE ProcessBulkUpdateRequestJob on bulk_update. Throws BurAlreadyApprovedError for a request that is
 * approved, processing or completed, BurValidationError when the script does not validate now
 * (a pending request's stored line errors are refreshed), BurPermissionError below its level.
 * When the job cannot be enqueued the approval rolls back (the request stays as it was) and the
 * enqueue error is thrown.
 */
export async function approveBur(
  bur: Pick<BulkUpdateRequest, 'id'>,
  approver: BurActor,
  options: BurServiceOptions = {},
): Promise<ApprovedBur> {
  const db = options.db ?? prisma();
  if (!canApproveBur(approver))
    throw new BurPermissionError(
      `approving bulk update requests takes ${article(BUR_APPROVER_LEVEL)} or above`,
    );
  const current = await loadBur(db, bur.id);
  if (!isOpenBur(current)) refuseApproval(current);
  const level = await requestApprovalLevel(createTagRepository(db), current.script);
  if (!canApproveBur(approver, level))
    throw new BurPermissionError(
      `approving bulk update request #${current.id} takes ${article(level)} or above`,
    );
  const resumed = current.status === 'failed';

  const check = await checkForApproval(db, current);
  if (!check.ok) {
    if (!resumed) await replaceLines(db, current.id, lineResults(check));
    throw new BurValidationError(summarize(check), check);
  }

  const failedLine = current.failedLine;
  // Built first so that its id is stored with the claim: a processing request always names its job.
  const job = ProcessBulkUpdateRequestJob.build(current.id);
  await transaction(db, async (tx) => {
    if (!(await claimForProcessing(tx, current.id, current.status, approver.id, job.jobId)))
      refuseApproval(await loadBur(tx, current.id));
    const commands = check.lines.map((line) => ({ lineNumber: line.lineNumber, text: line.canonical }));
    if (resumed) {
      await recordLines(tx, current.id, commands);
      await resetUnfinishedLines(tx, current.id);
    } else {
      await replaceLines(
        tx,
        current.id,
        commands.map((line) => ({ ...line, error: null })),
      );
    }
    await logModAction(tx, {
      creatorId: approver.id,
      category: 'bulk_update_request_approve',
      description: resumed
        ? `approved bulk update request #${current.id} again${failedLine === null ? '' : ` (resuming at line ${failedLine})`}`
        : `approved bulk update request #${current.id}`,
      subject: { type: 'BulkUpdateRequest', id: current.id },
    });
    // Staged in the outbox with the claim (the scope): the approval and its job commit together or not at all.
    await job.enqueue();
  });
  return { bur: await loadBur(db, current.id), jobId: job.jobId, resumed };
}

/**
 * Rejects a pending or failed request (its author or an admin) and logs it; a failed request's
 * half-made relationships are withdrawn (failed-request.ts).
 */
export async function rejectBur(
  bur: Pick<BulkUpdateRequest, 'id'>,
  user: BurActor,
  options: BurServiceOptions = {},
): Promise<BulkUpdateRequest> {
  const db = options.db ?? prisma();
  const current = await loadBur(db, bur.id);
  if (!canManageBur(user, current))
    throw new BurPermissionError(`only its author or an admin may reject bulk update request #${current.id}`);
  await db.$transaction(async (tx) => {
    if (!(await transitionBur(tx, current.id, ['pending', 'failed'], 'rejected'))) {
      const now = await loadBur(tx, current.id);
      throw new BurStateError(
        `bulk update request #${current.id} is ${now.status}: only a pending or failed request can be rejected`,
        now.status,
      );
    }
    if (current.status === 'failed') await abandonFailedRequest(tx, current.id);
    await logModAction(tx, {
      creatorId: user.id,
      category: 'bulk_update_request_reject',
      description: `rejected bulk update request #${current.id}`,
      subject: { type: 'BulkUpdateRequest', id: current.id },
    });
  });
  return loadBur(db, current.id);
}
