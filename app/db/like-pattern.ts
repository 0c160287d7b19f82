/**
 * A `*` pattern (tag search, Danbooru's wildcard) as a SQL LIKE pattern, used with ESCAPE '\'.
 *
 * Example: likePattern('long_*') -> 'long\_%'
 */

/** `*` -> `%`, and `%`, `_`, `\` matched literally. */
export function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}
