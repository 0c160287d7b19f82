/**
 * The current levels of live-stream viewers, looked up again while their streams stay open (so a
 * level change or an account deletion reaches GET /events, not only the next page view).
 *
 * Steps of a lookup: the user ids of the streams' viewers (res.locals.currentUser, loaded when the
 * stream opened; anonymous viewers stay anonymous), one query for the users among them that still
 * exist and are not marked for deletion, and each stream's viewer level from that: a vanished or
 * deleted account counts as anonymous now.
 *
 * Example: createLiveEvents({ broker, viewers: storedViewerLevels(prisma()) })
 */
import type { Request } from 'express';
import type { AppPrismaClient } from '../../db/client';
import type { UserLevel } from '../../db/generated/enums';
import { VIEWER_LEVELS } from '../../events/index';
import { viewerLevel } from './policy';

/** The levels of the given users that may still sign in (missing: gone or marked for deletion). */
export type ViewerLookup = (ids: readonly number[]) => Promise<ReadonlyMap<number, UserLevel>>;

export function storedViewerLevels(db: AppPrismaClient): ViewerLookup {
  return async (ids) => {
    const users = await db.user.findMany({
      where: { id: { in: [...ids] }, deletionRequestedAt: null },
      select: { id: true, level: true },
    });
    return new Map(users.map((user) => [user.id, user.level]));
  };
}

/** Each request's viewer level now, in order. */
export async function currentViewerLevels(lookup: ViewerLookup, reqs: readonly Request[]): Promise<number[]> {
  const ids = reqs.map((req) => req.res?.locals.currentUser?.id);
  const known = [...new Set(ids.filter((id): id is number => id !== undefined))];
  const levels = known.length > 0 ? await lookup(known) : new Map<number, UserLevel>();
  return ids.map((id) => {
    const level = id === undefined ? undefined : levels.get(id);
    return level ? viewerLevel({ level }) : VIEWER_LEVELS.anonymous;
  });
}
