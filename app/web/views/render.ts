/**
 * Sends a server-rendered page: builds the view context (signed-in user, CSRF token on demand,
 * whether live updates are on), renders the view inside the layout with any flash messages, and
 * sets the page's Content-Security-Policy. sendFragment sends one piece of a page (a table row,
 * the BUR progress section) without the layout, for /assets/live.js to swap in.
 *
 * Example: sendPage(req, res, postPage(post)); sendFragment(req, res, (ctx) => jobRow(ctx, job, true))
 */
import type { Request, Response } from 'express';
import type { CurrentUser } from '../middleware/current-user';
import { csrfToken } from '../middleware/csrf';
import { takeFlash } from '../middleware/respond';
import { PAGE_CSP } from '../middleware/security-headers';
import type { SafeHtml } from './html';
import { layout } from './layout';

export interface ViewContext {
  user: CurrentUser | undefined;
  /** The session's CSRF token for forms (stores the session on first use). */
  csrf(): string;
  /** The app serves live updates (GET /events): pages that declare topics load /assets/live.js. */
  live: boolean;
}

export interface Page {
  title: string;
  body: SafeHtml;
  /** Event topics this page follows live (e.g. ['/burs/12']); the layout loads /assets/live.js for them. */
  live?: readonly string[];
}

export type PageView = Page | ((ctx: ViewContext) => Page);

/** Set by createApp when it mounts GET /events. */
export const LIVE_LOCAL = 'backlotLiveEvents';

export function viewContext(req: Request, res: Response): ViewContext {
  return {
    user: res.locals.currentUser,
    csrf: () => csrfToken(req),
    live: req.app.locals[LIVE_LOCAL] === true,
  };
}

export function sendPage(req: Request, res: Response, view: PageView): void {
  const ctx = viewContext(req, res);
  const page = typeof view === 'function' ? view(ctx) : view;
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.type('html').send(layout(ctx, page, takeFlash(req)).value);
}

export function sendFragment(req: Request, res: Response, fragment: (ctx: ViewContext) => SafeHtml): void {
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(fragment(viewContext(req, res)).value);
}
