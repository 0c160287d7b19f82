/**
 * Who may follow which live topics, and what of each event they see (the app's policies for
 * sseHandler; see app/framework/events/viewer-policy.ts for the framework's defaults).
 *
 * Topics, by the viewer's level (VIEWER_LEVELS, Danbooru's numbers):
 *   /burs, /lifecycle   everyone, signed in or not (BUR pages are public, as their progress is);
 *   /records            members and above;
 *   /jobs               moderators and above (the admin jobs page is theirs);
 *   anything else (/workers, topics added later)  admins only.
 * Fields: admins see events whole; moderators without job arguments (the jobs page shows them to
 * admins only) but with error messages (the page shows those to moderators); everyone else as
 * the framework's default policy leaves them (no arguments, error names only).
 *
 * Example: sseHandler(broker, { authorize: (req) => viewerLevel(user), topicFilter: liveTopicFilter, fieldPolicy: liveFieldPolicy })
 */
import {
  defaultFieldPolicy,
  VIEWER_LEVELS,
  type BacklotEvent,
  type FieldPolicy,
  type TopicFilter,
} from '../../framework/index';
import type { CurrentUser } from '../middleware/current-user';

/** The first segment without its slash: '/jobs/12' -> 'jobs'. */
function topicRootOf(topic: string): string {
  const end = topic.indexOf('/', 1);
  return end === -1 ? topic.slice(1) : topic.slice(1, end);
}

export function viewerLevel(user: Pick<CurrentUser, 'level'> | undefined): number {
  return user ? VIEWER_LEVELS[user.level] : VIEWER_LEVELS.anonymous;
}

export const liveTopicFilter: TopicFilter = (topic, level) => {
  switch (topicRootOf(topic)) {
    case 'burs':
    case 'lifecycle':
      return true;
    case 'records':
      return level >= VIEWER_LEVELS.member;
    case 'jobs':
      return level >= VIEWER_LEVELS.moderator;
    default:
      return level >= VIEWER_LEVELS.admin;
  }
};

export const liveFieldPolicy: FieldPolicy = (event, level) => {
  if (level >= VIEWER_LEVELS.admin) return event;
  if (level >= VIEWER_LEVELS.moderator) {
    const data = event.data as Record<string, unknown>;
    if (!('arguments' in data)) return event;
    const { arguments: _arguments, ...rest } = data;
    return { ...event, data: rest } as BacklotEvent;
  }
  return defaultFieldPolicy(event, level);
};
