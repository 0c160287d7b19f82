/**
 * Live-page viewers' levels: Danbooru's user level numbers (member 20, builder 32, moderator 40,
 * admin 50), anonymous visitors 0. The keys match the users' level names, so
 * `VIEWER_LEVELS[user.level]` works; the viewer policy (viewer-policy.ts) is written in them.
 *
 * Example: VIEWER_LEVELS.moderator -> 40
 */
import type { UserLevel } from '../db/generated/enums';

export const VIEWER_LEVELS = {
  anonymous: 0,
  member: 20,
  builder: 32,
  moderator: 40,
  admin: 50,
} as const satisfies Record<UserLevel | 'anonymous', number>;
