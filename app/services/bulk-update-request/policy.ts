/**
 * Who may do what with a bulk update request (BUR), and in which status: the rules approval.ts
 * enforces.
 *
 *   - create: any signed-in user (member and above).
 *   - edit (script, title, reason) and reject: its author or a moderator and above, while pending.
 *   - approve: moderators and admins (BUR_APPROVER_LEVEL). Danbooru also lets builders approve
 *     small requests; here one rule, kept simple: moderator+. A moderator may approve their own.
 *     A pending or failed request may be approved (failed: processing resumes at its failed
 *     line); refuseApproval throws the error for any other status.
 *
 * Example:
 *   if (!canApproveBur(user)) throw new BurPermissionError('...');
 *   if (bur.status !== 'pending' && bur.status !== 'failed') refuseApproval(bur);
 */
import type { BulkUpdateRequest } from '../../db/generated/client';
import type { UserLevel } from '../../db/generated/enums';
import { BurAlreadyApprovedError, BurStateError } from './errors';

/** The lowest level that may approve a BUR. */
export const BUR_APPROVER_LEVEL: UserLevel = 'moderator';

const LEVEL_ORDER: readonly UserLevel[] = ['member', 'builder', 'moderator', 'admin'];

/** Who acts: a user's id and level. */
export interface BurActor {
  id: number;
  level: UserLevel;
}

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

/**
 * Throws why a request in this status cannot be approved: BurAlreadyApprovedError for approved,
 * processing or completed, BurStateError otherwise (rejected).
 */
export function refuseApproval(bur: Pick<BulkUpdateRequest, 'id' | 'status'>): never {
  switch (bur.status) {
    case 'approved':
    case 'processing':
      throw new BurAlreadyApprovedError(
        `bulk update request #${bur.id} is already approved (status ${bur.status})`,
        bur.status,
      );
    case 'completed':
      throw new BurAlreadyApprovedError(
        `bulk update request #${bur.id} was approved and has completed`,
        bur.status,
      );
    default:
      throw new BurStateError(
        `bulk update request #${bur.id} is ${bur.status} and cannot be approved`,
        bur.status,
      );
  }
}
