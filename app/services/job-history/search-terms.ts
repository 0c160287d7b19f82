/**
 * Argument search terms: what job history's argument search matches, one text array per
 * execution (job_executions.search_terms, GIN-indexed), so every kind of argument search is one
 * `search_terms @> ARRAY[...]` containment test on the index.
 *
 * Steps: walk the stored (serialized, secret-filtered) arguments; each scalar value gives a bare
 * term ("123", "hello") and, under an object key, a key/value term ("post=123"); a record
 * reference (the record serializer's { _bl: 'Record', v: { model, id } }) gives "Post#123" and,
 * under a key, "post=Post#123" and "post=123"; other stored types (Date, BigInt, Map, Set) give
 * the terms of their stored value. [FILTERED] values, long strings (over MAX_TERM_LENGTH) and
 * booleans/null without a key give none; at most MAX_TERMS per execution.
 *
 * Example:
 *   searchTermsOf([{ _bl: 'Record', v: { model: 'Post', id: 123 } }, { size: 640 }])
 *     // ['Post#123', '640', 'size=640']
 *   parseArgumentQuery('post=123 Post#9')   // ['post=123', 'Post#9']
 */

/** Values longer than this are not searchable (and a query term longer than this is refused). */
export const MAX_TERM_LENGTH = 100;
/** Terms kept per execution. */
export const MAX_TERMS = 64;
/** Terms in one argument query. */
export const MAX_QUERY_TERMS = 8;

const TYPE_KEY = '_bl';
const FILTERED = '[FILTERED]';

export class ArgumentQueryError extends Error {
  override name = 'ArgumentQueryError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Scan {
  terms: Set<string>;
  /** Lowercased secret keys: a key among them marks the scan (its terms are then not used). */
  secretKeys: ReadonlySet<string> | undefined;
  hasSecret: boolean;
}

function add(scan: Scan, term: string): void {
  if (scan.terms.size < MAX_TERMS && term.length <= MAX_TERM_LENGTH) scan.terms.add(term);
}

function scalar(scan: Scan, value: unknown, key: string | undefined): void {
  if (value === FILTERED) return;
  if (typeof value === 'string' || typeof value === 'number') {
    const text = String(value);
    if (text.length === 0 || text.length > MAX_TERM_LENGTH) return;
    add(scan, text);
    if (key !== undefined) add(scan, `${key}=${text}`);
  } else if ((typeof value === 'boolean' || value === null) && key !== undefined) {
    add(scan, `${key}=${String(value)}`);
  }
}

function walk(scan: Scan, value: unknown, key: string | undefined, depth: number): void {
  if (depth > 8) return;
  if (Array.isArray(value)) {
    for (const item of value) walk(scan, item, key, depth + 1);
    return;
  }
  if (!isObject(value)) return scalar(scan, value, key);
  if (typeof value[TYPE_KEY] === 'string') {
    const stored = value.v;
    if (value[TYPE_KEY] === 'Record' && isObject(stored)) {
      const ref = `${String(stored.model)}#${String(stored.id)}`;
      add(scan, ref);
      if (key !== undefined) {
        add(scan, `${key}=${ref}`);
        add(scan, `${key}=${String(stored.id)}`);
      }
      return;
    }
    return walk(scan, stored, key, depth + 1);
  }
  for (const k in value) {
    if (scan.secretKeys?.has(k.toLowerCase())) scan.hasSecret = true;
    walk(scan, value[k], k, depth + 1);
  }
}

/** The terms of one execution's stored arguments (already secret-filtered). */
export function searchTermsOf(args: unknown): string[] {
  const scan: Scan = { terms: new Set(), secretKeys: undefined, hasSecret: false };
  walk(scan, args, undefined, 0);
  return [...scan.terms];
}

/**
 * One walk over unfiltered stored arguments: their terms, and whether a secret key occurs (then
 * the caller filters and takes searchTermsOf the filtered copy instead; these terms hold secrets).
 */
export function scanArguments(
  args: unknown,
  secretKeys: ReadonlySet<string>,
): { terms: string[]; hasSecret: boolean } {
  const scan: Scan = { terms: new Set(), secretKeys, hasSecret: false };
  walk(scan, args, undefined, 0);
  return { terms: scan.hasSecret ? [] : [...scan.terms], hasSecret: scan.hasSecret };
}

/**
 * An argument query as terms: words separated by spaces, all of which must match
 * ("post=123", "Post#123", "hello"). Throws ArgumentQueryError naming what is wrong.
 */
export function parseArgumentQuery(text: string): string[] {
  const words = text.split(/\s+/).filter((word) => word.length > 0);
  if (words.length > MAX_QUERY_TERMS)
    throw new ArgumentQueryError(`at most ${MAX_QUERY_TERMS} argument terms (got ${words.length})`);
  for (const word of words) {
    if (word.length > MAX_TERM_LENGTH)
      throw new ArgumentQueryError(
        `argument term "${word.slice(0, 20)}…" is longer than ${MAX_TERM_LENGTH} characters`,
      );
    if (word.startsWith('=') || word.endsWith('='))
      throw new ArgumentQueryError(`argument term "${word}" needs a key and a value (post=123)`);
  }
  return [...new Set(words)];
}
