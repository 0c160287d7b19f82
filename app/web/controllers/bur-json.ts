/**
 * A bulk update request as the JSON API answers it (burJson), and a validation failure's body
 * (422: the message, the script's errors, the bad lines).
 *
 * Example: res.json(burJson(await burs.find(id)))
 */
import type { BurValidationError } from '../../services/bulk-update-request/approval';
import { burProgress } from '../services/burs.service';
import { checkedLines, type Found } from './bur-request';

/** The request as JSON: every field but the approver's and creator's private ones, lines, progress. */
export function burJson(bur: Found) {
  return {
    id: bur.id,
    title: bur.title,
    reason: bur.reason,
    script: bur.script,
    status: bur.status,
    /** Who may approve it now (Danbooru's levels); null once it is no longer pending or failed. */
    approvalLevel: bur.approvalLevel,
    creator: bur.user,
    approver: bur.approver,
    failedLine: bur.failedLine,
    failedError: bur.failedError,
    createdAt: bur.createdAt,
    approvedAt: bur.approvedAt,
    completedAt: bur.completedAt,
    lines: bur.lines.map((l) => ({
      lineNumber: l.lineNumber,
      text: l.text,
      status: l.status,
      error: l.error,
      rowsDone: l.rowsDone,
      rowsTotal: l.rowsTotal,
      startedAt: l.startedAt,
      finishedAt: l.finishedAt,
    })),
    progress: burProgress(bur.status, bur.lines) ?? null,
  };
}

export function validationJson(error: BurValidationError) {
  return {
    error: error.message,
    scriptErrors: error.check?.scriptErrors ?? [],
    lines: checkedLines(error.check).filter((l) => l.error !== null),
  };
}
