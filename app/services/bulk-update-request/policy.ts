/**
 * Who may do what with a bulk update request (BUR), and in which status: the rules approval.ts
 * enforces, after Danbooru's BulkUpdateRequestPolicy and each command's approval_level
 * (app/policies/bulk_update_request_policy.rb, app/logical/bulk_update_request/command/*.rb).
 *
 *   - create: any signed-in user (member and above).
 *   - edit (script, title, reason): its author or an admin, while pending or failed (Danbooru: "not
 *     approved", which also lets a rejected request be edited; here rejected is final).
 *   - reject: its author or an admin, while pending or failed (Danbooru lets only a pending one be
 *     rejected; here a failed request can be closed too, so it never lingers).
 *   - approve: a user whose level is at least the request's approval level, the highest of its
 *     lines' (approvalLevel), while pending or failed (failed: processing resumes at its failed
 *     line); refuseApproval throws the error for any other status. A line's level is admin, except:
 *       create alias A -> B, rename A -> B: builder when A is a small artist tag (an artist tag with
 *         at most SMALL_TAG_THRESHOLD posts) and B does not exist, is empty, or is a small artist tag;
 *       create implication A -> B: moderator when A and B are both small character tags.
 *     Danbooru reads the tags when the approver acts; so does approveBur.
 * Danbooru's other conditions need what Backlot does not model (bans, forum votes: an author may
 * not edit a request with 5 or more votes) and are left out.
 *
 * Example:
 *   const level = approvalLevel(check.lines, tags);         // 'builder' | 'moderator' | 'admin'
 *   if (!canApproveBur(user, level)) throw new BurPermissionError('...');
 *   if (bur.status !== 'pending' && bur.status !== 'failed') refuseApproval(bur);
 */
import type { BulkUpdateRequest } from '../../db/generated/client';
import type { UserLevel } from '../../db/generated/enums';
import type { TagSnapshot } from '../../db/tag.repository';
import { BurAlreadyApprovedError, BurStateError } from './errors';
import type { BurCommand, ScriptLine } from './types';

/** The lowest level that may approve some BUR (small artist moves). */
export const BUR_APPROVER_LEVEL: UserLevel = 'builder';

/** Most posts of a "small" tag, for approval levels (Danbooru's Tag::SMALL_TAG_THRESHOLD). @defaultValue 200 */
export const SMALL_TAG_THRESHOLD = 200;

const LEVEL_ORDER: readonly UserLevel[] = ['member', 'builder', 'moderator', 'admin'];

/** Who acts: a user's id and level. */
export interface BurActor {
  id: number;
  level: UserLevel;
}

export function atLeast(level: UserLevel, required: UserLevel): boolean {
  return LEVEL_ORDER.indexOf(level) >= LEVEL_ORDER.indexOf(required);
}

/** The tags a script names, as they are now (missing names: no such tag). */
export type TagsByName = ReadonlyMap<string, Pick<TagSnapshot, 'category' | 'postCount'>>;

function isSmall(tag: Pick<TagSnapshot, 'postCount'>): boolean {
  return tag.postCount <= SMALL_TAG_THRESHOLD;
}

/** The lowest level that may approve one command (Danbooru's Command#approval_level). */
export function commandApprovalLevel(command: BurCommand, tags: TagsByName): UserLevel {
  switch (command.kind) {
    case 'createAlias':
    case 'rename': {
      const [from, to] =
        command.kind === 'rename' ? [command.from, command.to] : [command.antecedent, command.consequent];
      const old = tags.get(from);
      const target = tags.get(to);
      const oldAllowed = old !== undefined && old.category === 'artist' && isSmall(old);
      const newAllowed =
        target === undefined || target.postCount <= 0 || (target.category === 'artist' && isSmall(target));
      return oldAllowed && newAllowed ? 'builder' : 'admin';
    }
    case 'createImplication': {
      const child = tags.get(command.antecedent);
      const parent = tags.get(command.consequent);
      const smallCharacter = (tag: typeof child) =>
        tag !== undefined && tag.category === 'character' && isSmall(tag);
      return smallCharacter(child) && smallCharacter(parent) ? 'moderator' : 'admin';
    }
    default:
      return 'admin';
  }
}

/** The request's approval level: the highest of its lines' (admin for a script without lines). */
export function approvalLevel(lines: readonly ScriptLine[], tags: TagsByName): UserLevel {
  if (lines.length === 0) return 'admin';
  const levels = lines.map((line) => LEVEL_ORDER.indexOf(commandApprovalLevel(line.command, tags)));
  return LEVEL_ORDER[Math.max(...levels)] ?? 'admin';
}

/** May `user` approve a request of approval level `level` (default: some request)? */
export function canApproveBur(user: BurActor, level: UserLevel = BUR_APPROVER_LEVEL): boolean {
  return atLeast(user.level, level);
}

/** Author or admin (edit and reject). */
export function canManageBur(user: BurActor, bur: Pick<BulkUpdateRequest, 'userId'>): boolean {
  return bur.userId === user.id || user.level === 'admin';
}

/** Statuses in which a request may be edited or rejected (by canManageBur) and approved. */
export const OPEN_BUR_STATUSES = ['pending', 'failed'] as const;

export function isOpenBur(bur: Pick<BulkUpdateRequest, 'status'>): boolean {
  return (OPEN_BUR_STATUSES as readonly string[]).includes(bur.status);
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
