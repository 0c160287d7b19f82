/**
 * Refuses text PostgreSQL cannot store, at the edge, before any route runs: a NUL byte (U+0000:
 * PostgreSQL error 22021 when it reaches a query) or a lone UTF-16 surrogate (JSON's "\ud800",
 * which no UTF-8 encodes) anywhere in the path, the query string or the body (keys and values of
 * nested objects and arrays, walked without recursion) answers 400 naming the field; a path with
 * malformed percent-encoding answers 400 too.
 *
 * Example: app.use(express.json()); app.use(textGuard); // POST {"name":"a\u0000"} -> 400 "name contains a NUL byte"
 */
import type { RequestHandler } from 'express';

export class BadTextError extends Error {
  override name = 'BadTextError';
  readonly status = 400;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or undefined when it can. */
export function badText(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL byte';
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate (not valid Unicode text)';
  return undefined;
}

/** The first unstorable string in a parsed body or query, as "field reason". */
export function findBadText(root: unknown): string | undefined {
  const pending: Array<[unknown, string]> = [[root, '']];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [value, name] = item;
    if (typeof value === 'string') {
      const reason = badText(value);
      if (reason) return `${name || 'the body'} ${reason}`;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const field = name ? `${name}.${key}` : key;
        const reason = badText(key);
        if (reason) return `the field name ${JSON.stringify(field)} ${reason}`;
        pending.push([child, field]);
      }
    }
  }
  return undefined;
}

export const textGuard: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return next(new BadTextError('the path has malformed percent-encoding'));
  }
  const inPath = badText(path);
  const problem = inPath ? `the path ${inPath}` : (findBadText(req.query) ?? findBadText(req.body));
  next(problem ? new BadTextError(problem) : undefined);
};
