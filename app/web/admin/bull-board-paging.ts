/**
 * Bounds on Bull Board's paging query (GET <board>/api/queues?page=&jobsPerPage=), checked before
 * Bull Board sees it. Bull Board takes any whole number from 1; a page past Redis' 64-bit range
 * reached Redis and came back as a 500 carrying Redis' own message ("ERR value is not an integer
 * or out of range"). Here a value out of bounds is a 400 naming the field (JSON for the board's
 * client, which asks for JSON); an empty or missing value is left to Bull Board's default.
 *
 * Example: app.use(boardPaging); // ?page=99999999999999999999 -> 400 "page must be a whole number from 1 to 1000000"
 */
import type { RequestHandler } from 'express';
import { BadRequestError } from '../errors';

/** The largest value each paging field takes. */
export const BOARD_PAGING_LIMITS = { page: 1_000_000, jobsPerPage: 1_000 } as const;

export const boardPaging: RequestHandler = (req, _res, next) => {
  const query = req.query as Record<string, unknown>;
  for (const [field, max] of Object.entries(BOARD_PAGING_LIMITS)) {
    const value = query[field];
    if (typeof value !== 'string' || value === '') continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      return next(new BadRequestError(`${field} must be a whole number from 1 to ${max}`));
  }
  next();
};
