/**
 * User levels in rank order (Danbooru's member < builder < moderator < admin) and the check
 * every level guard uses.
 *
 * Example: atLeast(user.level, 'moderator')  // true for moderators and admins
 */
import type { UserLevel } from '../../db/generated/enums';

export const LEVELS: readonly UserLevel[] = ['member', 'builder', 'moderator', 'admin'];

export function atLeast(level: UserLevel | undefined, required: UserLevel): boolean {
  return level !== undefined && LEVELS.indexOf(level) >= LEVELS.indexOf(required);
}
