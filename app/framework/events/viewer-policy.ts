/**
 * What a viewer of live pages may see: which topics (TopicFilter) and which fields of each event
 * (FieldPolicy), by the viewer's level, a number where higher sees more (Danbooru's user
 * levels: member 20, builder 32, moderator 40, admin 50). The app passes its own policies to
 * sseHandler; the defaults are conservative:
 *   topics: anonymous (below member) /lifecycle only; members also /jobs, /burs, /records;
 *           admins every topic (/workers and any topic the app adds are admin-only by default);
 *   fields: below admin, job arguments are removed and errors keep their name only.
 *
 * Example: sseHandler(broker, {
 *   authorize: (req) => (req.user ? VIEWER_LEVELS[req.user.level] : VIEWER_LEVELS.anonymous),
 *   topicFilter: (topic, level) => level >= VIEWER_LEVELS.member || topic.startsWith('/burs'),
 * })
 */
import type { BacklotEvent } from './payloads';
import { topicRoot } from './topics';

/** Danbooru's numbers; the keys match the app's level names, so `VIEWER_LEVELS[user.level]` works. */
export const VIEWER_LEVELS = { anonymous: 0, member: 20, builder: 32, moderator: 40, admin: 50 } as const;

/** May a viewer of this level subscribe to (or receive events on) this topic? */
export type TopicFilter = (topic: string, level: number) => boolean;

/** The event as this viewer may see it, or undefined to withhold it. Return the same object when nothing changes. */
export type FieldPolicy = (event: BacklotEvent, level: number) => BacklotEvent | undefined;

const MEMBER_ROOTS = new Set(['jobs', 'burs', 'records', 'lifecycle']);

export const defaultTopicFilter: TopicFilter = (topic, level) => {
  if (level >= VIEWER_LEVELS.admin) return true;
  const root = topicRoot(topic);
  if (level >= VIEWER_LEVELS.member) return MEMBER_ROOTS.has(root);
  return root === 'lifecycle';
};

export const defaultFieldPolicy: FieldPolicy = (event, level) => {
  if (level >= VIEWER_LEVELS.admin) return event;
  const data = event.data as Record<string, unknown>;
  if (!('arguments' in data) && !('error' in data)) return event;
  const { arguments: _arguments, error, ...rest } = data;
  const redacted =
    error && typeof error === 'object'
      ? { ...rest, error: { name: (error as { name?: unknown }).name } }
      : rest;
  return { ...event, data: redacted } as BacklotEvent;
};
