/**
 * Content negotiation and flash messages shared by controllers and middleware.
 *
 * wantsJson: requests under /api/ (in any case, as express routes them) and requests that prefer
 * JSON get JSON; everything else HTML.
 * flash/takeFlash: one-time notices stored in the session for the next page.
 *
 * Example: if (wantsJson(req)) res.json(post); else res.redirect(303, `/posts/${post.id}`)
 */
import type { Request } from 'express';
import type { FlashMessage } from './session';

export function wantsJson(req: Request): boolean {
  // express routes paths case-insensitively: /API/posts is the API too.
  if (req.originalUrl.slice(0, 5).toLowerCase() === '/api/') return true;
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function flash(req: Request, kind: FlashMessage['kind'], text: string): void {
  if (!req.session) return;
  req.session.flash = [...(req.session.flash ?? []), { kind, text }];
}

export function takeFlash(req: Request): FlashMessage[] {
  const messages = req.session?.flash;
  if (!messages || messages.length === 0) return [];
  delete req.session.flash;
  return messages;
}

/** The first value of a query or body field, when it is a string. */
export function stringParam(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** A positive integer from a query field, else the fallback. */
export function intParam(value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(stringParam(value));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}
