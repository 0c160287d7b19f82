/**
 * CSRF protection with the synchronizer-token pattern (csrf-sync): every visitor has a random
 * token; every request other than GET/HEAD/OPTIONS must send it back, or it is refused with 403
 * before any route runs.
 *
 * Where the token lives: a signed-in visitor's in the session; an anonymous visitor's in a signed
 * cookie (csrf-cookie.ts), so GET /login, /signup and /api/session store no session. Signing in
 * starts a new session with a new token and drops the cookie, so a token seen before sign-in
 * stops working.
 * Where the token travels: HTML forms carry it in a hidden `_csrf` field (views/forms.ts); JSON
 * clients send it in the `X-CSRF-Token` header (GET /api/session returns it; keep its cookies);
 * Bull Board's own UI (axios) sends `X-XSRF-Token`, read from the XSRF-TOKEN cookie that
 * xsrfCookie() sets on the board's pages (readable by same-origin scripts only, and useless
 * without the session cookie).
 *
 * Example: app.use(csrfProtection({ secret, secure })); ... html`<input type="hidden" name="_csrf" value="${csrfToken(req)}">`
 */
import { csrfSync } from 'csrf-sync';
import type { Request, RequestHandler } from 'express';
import { anonymousCsrfCookie } from './csrf-cookie';

function headerValue(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function signedIn(req: Request): boolean {
  return req.session?.userId !== undefined;
}

export interface CsrfOptions {
  /** Signs the anonymous visitors' token cookie (the session secret). */
  secret: string;
  secure: boolean;
}

export function csrfProtection(options: CsrfOptions): RequestHandler {
  const cookie = anonymousCsrfCookie(options);
  const csrf = csrfSync({
    getTokenFromRequest: (req) => {
      const body = req.body as { _csrf?: unknown } | undefined;
      return (
        headerValue(req, 'x-csrf-token') ??
        headerValue(req, 'x-xsrf-token') ??
        (typeof body?._csrf === 'string' ? body._csrf : undefined)
      );
    },
    getTokenFromState: (req) => (signedIn(req) ? req.session.csrfToken : cookie.read(req)),
    storeTokenInState: (req, token) => {
      if (!signedIn(req)) {
        if (token) cookie.write(req, token);
        return;
      }
      req.session.csrfToken = token;
      cookie.clear(req);
    },
    errorConfig: { statusCode: 403, message: 'invalid or missing CSRF token', code: 'EBADCSRFTOKEN' },
  });
  return csrf.csrfSynchronisedProtection;
}

/**
 * The visitor's token (created on first use: in the session when signed in, else in the signed
 * cookie). Empty before csrfProtection ran (an error page for a request refused earlier).
 */
export function csrfToken(req: Request): string {
  return req.csrfToken?.() ?? '';
}

/** A fresh token, e.g. after sign-in, so a token seen before sign-in stops working. */
export function rotateCsrfToken(req: Request): string {
  return req.csrfToken?.(true) ?? '';
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
