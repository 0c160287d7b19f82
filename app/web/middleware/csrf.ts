/**
 * CSRF protection with the synchronizer-token pattern (csrf-sync): every session holds a random
 * token; every request other than GET/HEAD/OPTIONS must send it back, or it is refused with 403
 * before any route runs.
 *
 * Where the token travels: HTML forms carry it in a hidden `_csrf` field (views/forms.ts); JSON
 * clients send it in the `X-CSRF-Token` header (GET /api/session returns it); Bull Board's own
 * UI (axios) sends `X-XSRF-Token`, read from the XSRF-TOKEN cookie that xsrfCookie() sets on the
 * board's pages (readable by same-origin scripts only, and useless without the session cookie).
 *
 * Example: app.use(csrfProtection); ... html`<input type="hidden" name="_csrf" value="${csrfToken(req)}">`
 */
import { csrfSync } from 'csrf-sync';
import type { Request, RequestHandler } from 'express';

function headerValue(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const csrf = csrfSync({
  getTokenFromRequest: (req) => {
    const body = req.body as { _csrf?: unknown } | undefined;
    return (
      headerValue(req, 'x-csrf-token') ??
      headerValue(req, 'x-xsrf-token') ??
      (typeof body?._csrf === 'string' ? body._csrf : undefined)
    );
  },
  errorConfig: { statusCode: 403, message: 'invalid or missing CSRF token', code: 'EBADCSRFTOKEN' },
});

export const csrfProtection: RequestHandler = csrf.csrfSynchronisedProtection;

/** The session's token (created on first use, which stores the session). */
export function csrfToken(req: Request): string {
  return csrf.generateToken(req);
}

/** A fresh token, e.g. after sign-in, so a token seen before sign-in stops working. */
export function rotateCsrfToken(req: Request): string {
  return csrf.generateToken(req, true);
}

/** Cookie that Bull Board's axios client reads to send X-XSRF-Token on same-origin requests. */
export const XSRF_COOKIE = 'XSRF-TOKEN';

export function xsrfCookie(path: string, secure: boolean): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET')
      res.cookie(XSRF_COOKIE, csrfToken(req), { path, sameSite: 'strict', secure, httpOnly: false });
    next();
  };
}
