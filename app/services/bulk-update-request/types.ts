/**
 * The shapes a bulk update request (BUR) script takes once read: commands, parsed lines, per-line
 * errors and the result of a check. Shared by the parser, the validator and the processing job.
 *
 * Grammar (one command per line, Danbooru's; keywords are case-insensitive, tag names are
 * normalized to NFC lower case):
 *   create alias A -> B        (also: alias A -> B)
 *   remove alias A -> B        (also: unalias A -> B)
 *   create implication A -> B  (also: imply A -> B)
 *   remove implication A -> B  (also: unimply A -> B)
 *   rename A -> B              only for a tag with at most 200 posts (use an alias for more)
 *   update QUERY -> EDITS      (also: mass update) QUERY: tags a post must have, -tag: must not have;
 *                              EDITS: tags to add, -tag: tags to remove
 *   category T -> general|artist|copyright|character|meta
 *   nuke T                     remove T from every post and its implications both ways
 *   deprecate T / undeprecate T
 * Limits: at most 100 commands and 20,000 characters, no duplicate commands; blank lines are
 * ignored and runs of whitespace count as one space.
 *
 * Line numbers are 1-based positions in the script as written (blank lines count), so an error
 * points at the line the author sees in the editor. BulkUpdateRequestLine rows use the same numbers.
 *
 * Example:
 *   const line: ScriptLine = {
 *     lineNumber: 3, text: 'alias Long_Hair -> very_long_hair', canonical: 'create alias long_hair -> very_long_hair',
 *     command: { kind: 'createAlias', antecedent: 'long_hair', consequent: 'very_long_hair' },
 *   };
 */

/** Tag categories, in the order of the tag_category enum. */
export const TAG_CATEGORIES = ['general', 'artist', 'copyright', 'character', 'meta'] as const;
export type TagCategoryName = (typeof TAG_CATEGORIES)[number];

/**
 * When a script is validated, as in Danbooru: 'request' when it is created or edited, 'approval'
 * when it is approved. Some rules hold only at request time (see script-validator.ts), so a
 * request whose target changed meanwhile in a harmless way (an alias already removed, a tag
 * already in the category) can still be approved.
 */
export type ValidationContext = 'request' | 'approval';

/** Most commands in one script. @defaultValue 100 */
export const MAX_SCRIPT_LINES = 100;
/** Most characters (Unicode code points) in one script. @defaultValue 20,000 */
export const MAX_SCRIPT_CHARACTERS = 20_000;
/** Most posts a tag may have for `rename`; above it the author must use an alias. @defaultValue 200 */
export const MAX_RENAME_POST_COUNT = 200;

/** A `mass update` query: posts that have every `include` tag and none of the `exclude` tags. */
export interface PostQuery {
  include: string[];
  exclude: string[];
}

/** A `mass update` edit: tags to add to and remove from each matching post. */
export interface TagEdits {
  add: string[];
  remove: string[];
}

/** One command. Tag names are normalized (tag-name.ts's normalizeTagName). */
export type BurCommand =
  | { kind: 'createAlias'; antecedent: string; consequent: string }
  | { kind: 'removeAlias'; antecedent: string; consequent: string }
  | { kind: 'createImplication'; antecedent: string; consequent: string }
  | { kind: 'removeImplication'; antecedent: string; consequent: string }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'massUpdate'; query: PostQuery; edits: TagEdits }
  | { kind: 'changeCategory'; tag: string; category: TagCategoryName }
  | { kind: 'nuke'; tag: string }
  | { kind: 'deprecate'; tag: string }
  | { kind: 'undeprecate'; tag: string };

export type BurCommandKind = BurCommand['kind'];

/** A line that parsed into a command. */
export interface ScriptLine {
  /** 1-based line number in the script as written. */
  lineNumber: number;
  /** The line as written, whitespace collapsed. */
  text: string;
  /**
   * The command in one canonical spelling (long keywords, normalized names), e.g.
   * `create alias a -> b`. Parsing it again gives the same command; duplicates are found by it.
   */
  canonical: string;
  command: BurCommand;
}

/** Why one line is bad. A script never has two errors for one line. */
export interface LineError {
  lineNumber: number;
  /** The line as written, whitespace collapsed. */
  text: string;
  reason: string;
}

/** What the parser makes of a script: every line either parsed or an error. */
export interface ParsedScript {
  /** Lines that parsed, in script order. */
  lines: ScriptLine[];
  /** Lines that did not parse, in script order. */
  errors: LineError[];
  /** Problems of the script as a whole (too long, too many lines, empty). */
  scriptErrors: string[];
}

/** The outcome of parsing and validating a script. */
export interface ScriptCheck {
  /** True when there are no script errors and no line errors: the script may be approved. */
  ok: boolean;
  /** Lines that parsed (whether or not they passed validation), in script order. */
  lines: ScriptLine[];
  /** Every bad line, parse and validation errors together, sorted by line number. */
  errors: LineError[];
  scriptErrors: string[];
}
