/**
 * Tag names: normalization and the rules a name must follow, each failure naming its rule.
 *
 * Two sets of rules, after Danbooru's TagNameValidator:
 *   - structural rules hold for every name a script mentions: not empty, at most 170 characters,
 *     no whitespace, no non-printable characters, no leading '-', no '->' (a name that breaks
 *     them cannot be read back from a script or a tag string);
 *   - creation rules hold in addition for a name that would become a new tag, with Danbooru's
 *     messages (app/logical/tag_name_validator.rb): not only underscores, no asterisk, no comma, not
 *     beginning with any of - ~ _ ` % ( ) { } [ ] /, no trailing '_', no '__', ASCII only, no
 *     metatag prefix such as 'user:' or 'art:' (PostQueryBuilder::METATAGS and PostEdit::METATAGS:
 *     the name would read as a search or edit metatag), not a reserved word, balanced parentheses
 *     (except the emoticons Danbooru permits). Existing tags that predate a rule keep working.
 *     Left out: Danbooru's rule on '_(cosplay)' tags (it needs the character tag's alias and
 *     category, which a name check does not read).
 *
 * Steps: normalizeTagName (NFC, lower case) first; checkTagName(name, mode) returns the first
 * broken rule as a TagNameProblem, or undefined.
 *
 * Example:
 *   checkTagName(normalizeTagName('-Foo'), 'existing')
 *   // { rule: 'leading_dash', message: "'-foo' begins with a dash ('-')" }
 *   checkTagName('user:me', 'new')
 *   // { rule: 'metatag_prefix', message: "'user:me' cannot begin with 'user:'" }
 */
import { TAG_CATEGORIES } from './types';

/** Longest tag name, in characters (code points). @defaultValue 170 */
export const MAX_TAG_NAME_LENGTH = 170;

/** Words that cannot be tag names (they mean something in searches). Danbooru's five, plus three. */
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

/** Names allowed to have unbalanced parentheses (Danbooru's Tag::PERMITTED_UNBALANCED_TAGS). */
export const PERMITTED_UNBALANCED_TAGS: ReadonlySet<string> = new Set([':)', ':(', ';)', ';(', '>:)', '>:(']);

const COUNT_METATAGS = [
  'comment_count',
  'deleted_comment_count',
  'active_comment_count',
  'note_count',
  'deleted_note_count',
  'active_note_count',
  'flag_count',
  'child_count',
  'deleted_child_count',
  'active_child_count',
  'pool_count',
  'deleted_pool_count',
  'active_pool_count',
  'series_pool_count',
  'collection_pool_count',
  'appeal_count',
  'approval_count',
  'replacement_count',
  'disapproval_count',
];
/** Rails' pluralize of each count metatag without _count (`deleted_comments`, `children`). */
const COUNT_METATAG_SYNONYMS = COUNT_METATAGS.map((tag) => tag.replace(/_count$/, '')).map((base) =>
  base.endsWith('child') ? `${base.slice(0, -'child'.length)}children` : `${base}s`,
);

/**
 * Prefixes a new tag name may not begin with (followed by anything): Danbooru's search metatags
 * (PostQueryBuilder::METATAGS), edit metatags (PostEdit::METATAGS) and category short names.
 */
export const METATAG_PREFIXES: readonly string[] = [
  ...new Set([
    ...['user', 'approver', 'commenter', 'comm', 'noter', 'noteupdater', 'artcomm', 'commentaryupdater'],
    ...['flagger', 'appealer', 'upvote', 'downvote', 'fav', 'ordfav', 'favgroup', 'ordfavgroup', 'reacted'],
    ...['pool', 'ordpool', 'note', 'comment', 'commentary', 'id', 'rating', 'source', 'status', 'filetype'],
    ...['disapproved', 'parent', 'child', 'search', 'embedded', 'md5', 'pixelhash', 'width', 'height'],
    ...['mpixels', 'ratio', 'score', 'upvotes', 'downvotes', 'favcount', 'filesize', 'date', 'age', 'order'],
    ...[
      'limit',
      'tagcount',
      'pixiv_id',
      'pixiv',
      'unaliased',
      'exif',
      'duration',
      'random',
      'is',
      'has',
      'ai',
    ],
    ...COUNT_METATAGS,
    ...COUNT_METATAG_SYNONYMS,
    ...['gentags', 'arttags', 'copytags', 'chartags', 'metatags'],
    ...['newpool', 'ch', 'co', 'gen', 'char', 'copy', 'art', 'meta', ...TAG_CATEGORIES],
  ]),
];

export type TagNameRule =
  | 'empty'
  | 'too_long'
  | 'whitespace'
  | 'non_printable'
  | 'leading_dash'
  | 'arrow'
  | 'blank'
  | 'comma'
  | 'asterisk'
  | 'leading_character'
  | 'trailing_underscore'
  | 'consecutive_underscores'
  | 'non_ascii'
  | 'reserved'
  | 'metatag_prefix'
  | 'unbalanced_parentheses';

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
const METATAG_PREFIX = new RegExp(`^(${METATAG_PREFIXES.join('|')}):(.+)$`, 's');
const LEADING_CHARACTER = /^[-~_`%(){}[\]/]/;

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

/** Danbooru's String#has_balanced_parens?: never more ')' than '(' so far, as many of each in all. */
export function hasBalancedParentheses(name: string): boolean {
  let depth = 0;
  for (const char of name) {
    if (char === '(') depth += 1;
    else if (char === ')') {
      depth -= 1;
      if (depth < 0) return false;
    }
  }
  return depth === 0;
}

/** Danbooru's TagNameValidator, in its order; its messages quote the name as given. */
function creationProblem(name: string): TagNameProblem | undefined {
  const q = `'${name}'`;
  if (/^_*$/.test(name)) return problem('blank', 'cannot be blank');
  if (name.includes('*')) return problem('asterisk', `${q} cannot contain asterisks ('*')`);
  if (name.includes(',')) return problem('comma', `${q} cannot contain commas (',')`);
  if (LEADING_CHARACTER.test(name))
    return problem('leading_character', `${q} cannot begin with a '${name[0] ?? ''}'`);
  if (name.endsWith('_')) return problem('trailing_underscore', `${q} cannot end with an underscore`);
  if (name.includes('__'))
    return problem('consecutive_underscores', `${q} cannot contain consecutive underscores`);
  if (NON_ASCII.test(name)) return problem('non_ascii', `${q} must consist of only ASCII characters`);
  const prefix = METATAG_PREFIX.exec(name);
  if (prefix) return problem('metatag_prefix', `${q} cannot begin with '${prefix[1] ?? ''}:'`);
  if (RESERVED_TAG_NAMES.has(name)) return problem('reserved', `${q} is a reserved name and cannot be used`);
  if (!PERMITTED_UNBALANCED_TAGS.has(name) && !hasBalancedParentheses(name))
    return problem('unbalanced_parentheses', `${q} cannot have unbalanced parentheses`);
  return undefined;
}

/** The first rule `name` breaks, or undefined when it is a valid name for `mode`. */
export function checkTagName(name: string, mode: TagNameMode): TagNameProblem | undefined {
  return structuralProblem(name) ?? (mode === 'new' ? creationProblem(name) : undefined);
}
