/**
 * Loads the signed-in user (session userId) into res.locals.currentUser on every request, so a
 * level change or a deleted account takes effect at once; a vanished user, or one whose account
 * deletion was requested (deletionRequestedAt), signs the session out.
 *
 * Example: app.use(currentUser(prisma)); ... res.locals.currentUser?.level
 */
import type { RequestHandler } from 'express';
import type { AppPrismaClient } from '../../db/client';
import type { UserLevel } from '../../db/generated/enums';

export interface CurrentUser {
  id: number;
  name: string;
  level: UserLevel;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      currentUser?: CurrentUser;
    }
  }
}

export function currentUser(db: AppPrismaClient): RequestHandler {
  return async (req, res, next) => {
    const userId = req.session?.userId;
    if (userId !== undefined) {
      const user = await db.user.findUnique({
        where: { id: userId },
        select: { id: true, name: true, level: true, deletionRequestedAt: true },
      });
      if (user && user.deletionRequestedAt === null)
        res.locals.currentUser = { id: user.id, name: user.name, level: user.level };
      else delete req.session.userId;
    }
    next();
  };
}
