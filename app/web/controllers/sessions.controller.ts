/**
 * Sign up, sign in, sign out (HTML forms and the JSON API).
 *
 * Sign-in and sign-up start a new session (session fixation: the id changes) holding only the
 * user id, with a fresh CSRF token. A failed sign-in answers 401 and says only that the name or
 * password is wrong. `next` redirects stay on this site, and are at most MAX_NEXT_LENGTH long.
 *
 * Example: POST /login name=alice&password=...&_csrf=... -> 303 to next or /posts
 */
import type { Request, RequestHandler } from 'express';
import { ValidationError } from '../errors';
import { csrfToken, rotateCsrfToken } from '../middleware/csrf';
import { flash, stringParam } from '../middleware/respond';
import { SESSION_COOKIE } from '../middleware/session';
import type { AccountsService } from '../services/accounts.service';
import { loginPage, signupPage } from '../views/sessions.views';
import { sendPage } from '../views/render';

const BAD_LOGIN = 'Wrong name or password';

/** Longest `next` followed; a longer one (it goes back in the Location header) becomes /posts. */
export const MAX_NEXT_LENGTH = 2048;

/** A same-site path to go to after sign-in; anything else becomes /posts. */
export function safeNext(value: unknown): string {
  const next = stringParam(value);
  const sameSite = next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\');
  return next && sameSite && next.length <= MAX_NEXT_LENGTH ? next : '/posts';
}

function startSession(req: Request, userId: number): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error) => {
      if (error) return reject(error as Error);
      req.session.userId = userId;
      rotateCsrfToken(req);
      resolve();
    });
  });
}

function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!req.session) return resolve();
    req.session.destroy((error) => (error ? reject(error as Error) : resolve()));
  });
}

function publicUser({
  id,
  name,
  level,
  createdAt,
}: {
  id: number;
  name: string;
  level: string;
  createdAt: Date;
}) {
  return { id, name, level, createdAt };
}

export function sessionsController(accounts: AccountsService) {
  const newLogin: RequestHandler = (req, res) => {
    if (res.locals.currentUser) return res.redirect(303, '/posts');
    sendPage(req, res, loginPage({ next: stringParam(req.query.next) }));
  };

  const createLogin: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const user = await accounts.authenticate(body.name, body.password);
    if (!user) {
      res.status(401);
      sendPage(
        req,
        res,
        loginPage({
          values: { name: stringParam(body.name) },
          errors: { base: BAD_LOGIN },
          next: stringParam(body.next),
        }),
      );
      return;
    }
    await startSession(req, user.id);
    flash(req, 'notice', `Signed in as ${user.name}`);
    res.redirect(303, safeNext(body.next));
  };

  const destroy: RequestHandler = async (req, res) => {
    await endSession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/posts');
  };

  const newSignup: RequestHandler = (req, res) => {
    if (res.locals.currentUser) return res.redirect(303, '/posts');
    sendPage(req, res, signupPage());
  };

  const createSignup: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const user = await accounts.signUp(body);
      await startSession(req, user.id);
      flash(req, 'notice', `Welcome, ${user.name}`);
      res.redirect(303, `/users/${user.id}`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(422);
      sendPage(req, res, signupPage({ values: { name: stringParam(body.name) }, errors: error.fields }));
    }
  };

  // JSON API ------------------------------------------------------------------------------

  const apiShow: RequestHandler = (req, res) => {
    res.json({ user: res.locals.currentUser ?? null, csrfToken: csrfToken(req) });
  };

  const apiCreate: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const user = await accounts.authenticate(body.name, body.password);
    if (!user) {
      res.status(401).json({ error: BAD_LOGIN });
      return;
    }
    await startSession(req, user.id);
    res.json({ user: publicUser(user), csrfToken: csrfToken(req) });
  };

  const apiDestroy: RequestHandler = async (req, res) => {
    await endSession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  };

  const apiSignup: RequestHandler = async (req, res) => {
    const user = await accounts.signUp(req.body ?? {});
    await startSession(req, user.id);
    res.status(201).json({ user: publicUser(user), csrfToken: csrfToken(req) });
  };

  return {
    newLogin,
    createLogin,
    destroy,
    newSignup,
    createSignup,
    apiShow,
    apiCreate,
    apiDestroy,
    apiSignup,
  };
}
