/**
 * Response headers every answer carries: no MIME sniffing, no framing, same-origin referrers.
 * Backlot's own pages add a strict Content-Security-Policy (views/render.ts); Bull Board's pages,
 * which ship their own scripts, do not get it.
 */
import type { RequestHandler } from 'express';

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  next();
};

/** Scripts, styles and images from this origin only, no inline script, forms post here only. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
