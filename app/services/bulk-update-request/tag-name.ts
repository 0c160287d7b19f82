/**
 * Tag names: normalization and the rules a name must follow, each failure naming its rule.
 *
 * Two sets of rules, after Danbooru's TagNameValidator:
 *   - structural rules hold for every name a script mentions: not empty, at most 170 characters,
 *     no whitespace, no non-printable characters, no leading '-', no '->' (a name that breaks
 *     them cannot be read back from a script or a tag string);
 *   - creation rules hold in addition for a name that would become a new tag: no comma, no
 *     asterisk, no leading '~', no leading or trailing '_', no '__', ASCII only, not a reserved
 *     word, no category prefix such as 'artist:'. Existing tags that predate a rule keep working.
 *
 * Steps: normalizeTagName (NFC, lower case) first; checkTagName(name, mode) returns the first
 * broken rule as a TagNameProblem, or undefined.
 *
 * Example:
 *   checkTagName(normalizeTagName('-Foo'), 'existing')
 *   // { rule: 'leading_dash', message: "'-foo' begins with a dash ('-')" }
 */
import { TAG_CATEGORIES } from './types';

/** Longest tag name, in characters (code points). @defaultValue 170 */
export const MAX_TAG_NAME_LENGTH = 170;

/** Words that cannot be tag names (they mean something in searches). */
export const RESERVED_TAG_NAMES: ReadonlySet<string> = new Set([
  'new',
  'search',
  'and',
  'or',
  'not',
  'none',
  'any',
  'all',
]);

export type TagNameRule =
  | 'empty'
  | 'too_long'
  | 'whitespace'
  | 'non_printable'
  | 'leading_dash'
  | 'arrow'
  | 'comma'
  | 'asterisk'
  | 'leading_tilde'
  | 'leading_underscore'
  | 'trailing_underscore'
  | 'consecutive_underscores'
  | 'non_ascii'
  | 'reserved'
  | 'category_prefix';

export interface TagNameProblem {
  rule: TagNameRule;
  message: string;
}

/** 'existing': structural rules only; 'new': structural and creation rules. */
export type TagNameMode = 'existing' | 'new';

const WHITESPACE = /\s/u;
// Control (Cc), format (Cf), unassigned/surrogate/private-use (Cn, Cs, Co) and separators other
// than the plain space (already refused as whitespace).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;
const CATEGORY_PREFIX = new RegExp(`^(${TAG_CATEGORIES.join('|')}|tag|rating|user|status|order|source|id):`);

/** NFC, lower case. Does not trim: whitespace inside a name is a rule failure, not something to fix. */
export function normalizeTagName(raw: string): string {
  return raw.normalize('NFC').toLowerCase();
}

/** A name as shown in a message: quoted, cut after 40 characters, control characters escaped. */
export function displayTagName(name: string): string {
  const chars = [...name];
  const shown = chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : name;
  // eslint-disable-next-line no-control-regex
  return `'${shown.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

function problem(rule: TagNameRule, message: string): TagNameProblem {
  return { rule, message };
}

function structuralProblem(name: string): TagNameProblem | undefined {
  const shown = displayTagName(name);
  if (name.length === 0) return problem('empty', 'tag name is empty');
  const length = [...name].length;
  if (length > MAX_TAG_NAME_LENGTH) {
    return problem(
      'too_long',
      `${shown} is ${length} characters long, more than the ${MAX_TAG_NAME_LENGTH} allowed`,
    );
  }
  if (WHITESPACE.test(name)) return problem('whitespace', `${shown} contains whitespace`);
  if (NON_PRINTABLE.test(name))
    return problem('non_printable', `${shown} contains a non-printable character`);
  if (name.startsWith('-')) return problem('leading_dash', `${shown} begins with a dash ('-')`);
  if (name.includes('->')) return problem('arrow', `${shown} contains '->'`);
  return undefined;
}

function creationProblem(name: string): TagNameProblem | undefined {
  const shown = displayTagName(name);
  if (name.includes(',')) return problem('comma', `${shown} contains a comma (',')`);
  if (name.includes('*')) return problem('asterisk', `${shown} contains an asterisk ('*')`);
  if (name.startsWith('~')) return problem('leading_tilde', `${shown} begins with a tilde ('~')`);
  if (name.startsWith('_')) return problem('leading_underscore', `${shown} begins with an underscore ('_')`);
  if (name.endsWith('_')) return problem('trailing_underscore', `${shown} ends with an underscore ('_')`);
  if (name.includes('__'))
    return problem('consecutive_underscores', `${shown} contains consecutive underscores ('__')`);
  if (NON_ASCII.test(name))
    return problem('non_ascii', `${shown} contains a non-ASCII character (new tag names are ASCII only)`);
  if (RESERVED_TAG_NAMES.has(name))
    return problem('reserved', `${shown} is a reserved word and cannot be a tag name`);
  const prefix = CATEGORY_PREFIX.exec(name);
  if (prefix)
    return problem(
      'category_prefix',
      `${shown} begins with '${prefix[1]}:', which searches treat as a prefix`,
    );
  return undefined;
}

/** The first rule `name` breaks, or undefined when it is a valid name for `mode`. */
export function checkTagName(name: string, mode: TagNameMode): TagNameProblem | undefined {
  return structuralProblem(name) ?? (mode === 'new' ? creationProblem(name) : undefined);
}
