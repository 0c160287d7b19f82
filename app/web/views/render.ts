/**
 * Sends a server-rendered page: builds the view context (signed-in user, CSRF token on demand),
 * renders the view inside the layout with any flash messages, and sets the page's
 * Content-Security-Policy.
 *
 * Example: sendPage(req, res, (ctx) => postPage(ctx, post))
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
}

export interface Page {
  title: string;
  body: SafeHtml;
}

export type PageView = Page | ((ctx: ViewContext) => Page);

export function viewContext(req: Request, res: Response): ViewContext {
  return { user: res.locals.currentUser, csrf: () => csrfToken(req) };
}

export function sendPage(req: Request, res: Response, view: PageView): void {
  const ctx = viewContext(req, res);
  const page = typeof view === 'function' ? view(ctx) : view;
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.type('html').send(layout(ctx, page, takeFlash(req)).value);
}
