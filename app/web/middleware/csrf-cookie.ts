/**
 * The CSRF token of a visitor without a session, kept in a signed cookie instead of a stored
 * session (the signed double-submit cookie pattern): anonymous page views store nothing in Redis.
 *
 * The cookie holds `<token>.<signature>`, the signature an HMAC-SHA256 of the token under the
 * session secret (domain-separated from the session cookie's own signature). A request's token
 * is the cookie's when the signature holds; a form or header must send that same token back,
 * which another site can neither read nor plant (httpOnly, SameSite=Lax, signed). Within one
 * request a token just written is read back without a cookie round trip.
 *
 * Example:
 *   const cookie = anonymousCsrfCookie({ secret, secure: false });
 *   cookie.write(req, token); ... cookie.read(req) // token, or undefined
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** Name of the cookie holding an anonymous visitor's CSRF token. */
export const CSRF_COOKIE = 'backlot_csrf';

export interface AnonymousCsrfCookie {
  /** The verified token of this request (cookie or written during it), else undefined. */
  read(req: Request): string | undefined;
  /** Sets the cookie on the response and remembers the token for the rest of the request. */
  write(req: Request, token: string): void;
  /** Removes the cookie (the visitor now has a session token). */
  clear(req: Request): void;
}

/** The raw value of one cookie from the Cookie header (express parses no cookies). */
export function cookieValue(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

export function anonymousCsrfCookie(options: { secret: string; secure: boolean }): AnonymousCsrfCookie {
  const written = new WeakMap<Request, string>();
  const sign = (token: string) =>
    createHmac('sha256', options.secret).update(`csrf:${token}`).digest('base64url');
  const verified = (value: string): string | undefined => {
    const dot = value.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const token = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1));
    const expected = Buffer.from(sign(token));
    return given.length === expected.length && timingSafeEqual(given, expected) ? token : undefined;
  };
  return {
    read(req) {
      const token = written.get(req);
      if (token !== undefined) return token;
      const value = cookieValue(req, CSRF_COOKIE);
      return value === undefined ? undefined : verified(value);
    },
    write(req, token) {
      written.set(req, token);
      req.res?.cookie(CSRF_COOKIE, `${token}.${sign(token)}`, {
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secure,
        path: '/',
      });
    },
    clear(req) {
      written.delete(req);
      if (cookieValue(req, CSRF_COOKIE) !== undefined)
        req.res?.clearCookie(CSRF_COOKIE, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: options.secure,
        });
    },
  };
}
