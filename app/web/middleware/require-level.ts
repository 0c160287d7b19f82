/**
 * Guards: requireSignIn sends anonymous visitors to the sign-in page (JSON: 401);
 * requireLevel(level) refuses everyone below `level`, signed in or not, with 403 (HTML page or
 * JSON, by the error handler).
 *
 * Example: router.use('/admin', requireLevel('moderator'))
 */
import type { RequestHandler } from 'express';
import type { UserLevel } from '../../db/generated/enums';
import { atLeast } from '../auth/levels';
import { ForbiddenError } from '../errors';
import { wantsJson } from './respond';

export function requireSignIn(): RequestHandler {
  return (req, res, next) => {
    if (res.locals.currentUser) return next();
    if (wantsJson(req)) {
      res.status(401).json({ error: 'sign in first' });
      return;
    }
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
  };
}

export function requireLevel(level: UserLevel): RequestHandler {
  return (_req, res, next) => {
    if (atLeast(res.locals.currentUser?.level, level)) return next();
    next(new ForbiddenError(`${level}s only`));
  };
}

/** True for admins: the level that may act on jobs and see their arguments. */
export function isAdmin(user: { level: UserLevel } | undefined): boolean {
  return atLeast(user?.level, 'admin');
}
