/**
 * A live-page viewer's level: the signed-in user's (VIEWER_LEVELS, Danbooru's numbers), anonymous
 * 0. What each level may follow and see is the app's viewer policy (app/events/viewer-policy.ts).
 *
 * Example: sseHandler(broker, { authorize: (req) => viewerLevel(req.res?.locals.currentUser), policy: appViewerPolicy })
 */
import { VIEWER_LEVELS } from '../../events/index';
import type { CurrentUser } from '../middleware/current-user';

export function viewerLevel(user: Pick<CurrentUser, 'level'> | undefined): number {
  return user ? VIEWER_LEVELS[user.level] : VIEWER_LEVELS.anonymous;
}
