/**
 * The BUR script parser: text in, parsed lines and per-line errors out. Pure: no database, no
 * exceptions on any input (a property test feeds it thousands of random scripts).
 *
 * Steps:
 *   1. Script limits: at most MAX_SCRIPT_CHARACTERS characters and MAX_SCRIPT_LINES commands,
 *      and at least one command; a breach is a script error, and every line is still parsed.
 *   2. Split into lines on \r\n, \r or \n; number them from 1 as written; skip blank lines;
 *      collapse runs of whitespace to one space.
 *   3. Read the keyword (the longest match among the grammar's spellings, case-insensitive), then
 *      the arguments in the shape the command takes ('A -> B', 'T', 'QUERY -> EDITS',
 *      'T -> CATEGORY'). A wrong shape says which shape was expected.
 *   4. Normalize tag names (NFC, lower case) and check the structural name rules (tag-name.ts);
 *      creation rules need the database and are the validator's.
 *   5. Check what needs no database: a tag aliased, implied or renamed to itself, a query that
 *      requires and excludes one tag, an edit that adds and removes one tag, a duplicate command
 *      (same canonical form as an earlier line, whatever the spelling).
 *
 * Example:
 *   parseScript('alias a -> b\n\nimply b -> b\nfrobnicate x')
 *   // lines: [{ lineNumber: 1, canonical: 'create alias a -> b', ... }]
 *   // errors: [{ lineNumber: 3, reason: "can't make a tag imply itself" },
 *   //          { lineNumber: 4, reason: "unknown command 'frobnicate' (expected one of: ...)" }]
 */
import { checkTagName, displayTagName, normalizeTagName } from './tag-name';
import {
  MAX_SCRIPT_CHARACTERS,
  MAX_SCRIPT_LINES,
  TAG_CATEGORIES,
  type BurCommand,
  type BurCommandKind,
  type LineError,
  type ParsedScript,
  type ScriptLine,
  type TagCategoryName,
} from './types';

interface Keyword {
  /** The spelling, lower case, one word per element. */
  words: readonly string[];
  kind: BurCommandKind;
}

/** Every spelling of every command; two-word spellings are tried before one-word ones. */
const KEYWORDS: readonly Keyword[] = [
  { words: ['create', 'alias'], kind: 'createAlias' },
  { words: ['remove', 'alias'], kind: 'removeAlias' },
  { words: ['create', 'implication'], kind: 'createImplication' },
  { words: ['remove', 'implication'], kind: 'removeImplication' },
  { words: ['mass', 'update'], kind: 'massUpdate' },
  { words: ['alias'], kind: 'createAlias' },
  { words: ['unalias'], kind: 'removeAlias' },
  { words: ['imply'], kind: 'createImplication' },
  { words: ['unimply'], kind: 'removeImplication' },
  { words: ['rename'], kind: 'rename' },
  { words: ['update'], kind: 'massUpdate' },
  { words: ['category'], kind: 'changeCategory' },
  { words: ['nuke'], kind: 'nuke' },
  { words: ['deprecate'], kind: 'deprecate' },
  { words: ['undeprecate'], kind: 'undeprecate' },
];

/** First words that only begin two-word keywords. */
const PREFIX_WORDS = new Set(['create', 'remove', 'mass']);

const COMMAND_LIST =
  'create alias, alias, remove alias, unalias, create implication, imply, remove implication, unimply, rename, update, mass update, category, nuke, deprecate, undeprecate';

/** A line-level failure inside the parser; never escapes parseLine. */
class LineProblem extends Error {
  override name = 'LineProblem';
  constructor(readonly reason: string) {
    super(reason);
  }
}

function fail(reason: string): never {
  throw new LineProblem(reason);
}

function tagName(raw: string): string {
  const name = normalizeTagName(raw);
  const nameProblem = checkTagName(name, 'existing');
  if (nameProblem) fail(nameProblem.message);
  return name;
}

function usage(keyword: Keyword): string {
  const spelled = keyword.words.join(' ');
  switch (keyword.kind) {
    case 'createAlias':
    case 'removeAlias':
    case 'createImplication':
    case 'removeImplication':
    case 'rename':
      return `expected '${spelled} A -> B'`;
    case 'nuke':
    case 'deprecate':
    case 'undeprecate':
      return `expected '${spelled} TAG'`;
    case 'massUpdate':
      return `expected '${spelled} QUERY -> EDITS' (QUERY: tags and -tags to match, EDITS: tags to add and -tags to remove)`;
    case 'changeCategory':
      return `expected '${spelled} TAG -> ${TAG_CATEGORIES.join('|')}'`;
  }
}

function splitOnArrow(keyword: Keyword, args: readonly string[]): [string[], string[]] {
  const arrows = args.flatMap((token, index) => (token === '->' ? [index] : []));
  if (arrows.length !== 1) fail(`${usage(keyword)}: found ${arrows.length === 0 ? "no '->'" : `${arrows.length} '->'`}`);
  const at = arrows[0] ?? 0;
  return [args.slice(0, at), args.slice(at + 1)];
}

/** 'A -> B': one tag on each side. */
function parsePair(keyword: Keyword, args: readonly string[]): [string, string] {
  const [left, right] = splitOnArrow(keyword, args);
  if (left.length !== 1 || right.length !== 1) fail(`${usage(keyword)}: one tag on each side of '->'`);
  return [tagName(left[0] ?? ''), tagName(right[0] ?? '')];
}

/** 'TAG': exactly one tag. */
function parseSingle(keyword: Keyword, args: readonly string[]): string {
  if (args.length !== 1 || args[0] === '->') fail(usage(keyword));
  return tagName(args[0] ?? '');
}

function parseCategory(keyword: Keyword, args: readonly string[]): BurCommand {
  const [left, right] = splitOnArrow(keyword, args);
  if (left.length !== 1 || right.length !== 1) fail(usage(keyword));
  const tag = tagName(left[0] ?? '');
  const category = (right[0] ?? '').toLowerCase();
  if (!(TAG_CATEGORIES as readonly string[]).includes(category)) {
    fail(`unknown category ${displayTagName(right[0] ?? '')} (expected one of: ${TAG_CATEGORIES.join(', ')})`);
  }
  return { kind: 'changeCategory', tag, category: category as TagCategoryName };
}

/** Splits tokens into plain tags and '-tag's (without the dash). */
function signedTags(tokens: readonly string[]): [string[], string[]] {
  const plain: string[] = [];
  const negated: string[] = [];
  for (const token of tokens) {
    if (token.startsWith('-')) negated.push(tagName(token.slice(1)));
    else plain.push(tagName(token));
  }
  return [unique(plain), unique(negated)];
}

function parseMassUpdate(keyword: Keyword, args: readonly string[]): BurCommand {
  const [queryTokens, editTokens] = splitOnArrow(keyword, args);
  const [include, exclude] = signedTags(queryTokens);
  const [add, remove] = signedTags(editTokens);
  if (include.length === 0) fail("the query needs at least one tag that posts must have (only '-tag' exclusions would match almost every post)");
  if (add.length === 0 && remove.length === 0) fail("nothing to change: give tags to add or '-tag's to remove after '->'");
  const both = include.find((tag) => exclude.includes(tag));
  if (both !== undefined) fail(`the query requires and excludes ${displayTagName(both)}, so it matches no post`);
  const addedAndRemoved = add.find((tag) => remove.includes(tag));
  if (addedAndRemoved !== undefined) fail(`the edits both add and remove ${displayTagName(addedAndRemoved)}`);
  return { kind: 'massUpdate', query: { include, exclude }, edits: { add, remove } };
}

function buildCommand(keyword: Keyword, args: readonly string[]): BurCommand {
  switch (keyword.kind) {
    case 'createAlias':
    case 'removeAlias':
    case 'createImplication':
    case 'removeImplication': {
      const [antecedent, consequent] = parsePair(keyword, args);
      return { kind: keyword.kind, antecedent, consequent };
    }
    case 'rename': {
      const [from, to] = parsePair(keyword, args);
      return { kind: 'rename', from, to };
    }
    case 'massUpdate':
      return parseMassUpdate(keyword, args);
    case 'changeCategory':
      return parseCategory(keyword, args);
    case 'nuke':
    case 'deprecate':
    case 'undeprecate':
      return { kind: keyword.kind, tag: parseSingle(keyword, args) };
  }
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

function findKeyword(tokens: readonly string[]): Keyword | undefined {
  const lower = tokens.slice(0, 2).map((token) => token.toLowerCase());
  return KEYWORDS.find((keyword) => keyword.words.every((word, index) => lower[index] === word));
}

function checkSelfReference(command: BurCommand): void {
  switch (command.kind) {
    case 'createAlias':
      if (command.antecedent === command.consequent) fail("can't alias a tag to itself");
      return;
    case 'createImplication':
      if (command.antecedent === command.consequent) fail("can't make a tag imply itself");
      return;
    case 'rename':
      if (command.from === command.to) fail("can't rename a tag to itself");
      return;
    default:
      return;
  }
}

/** The canonical spelling of a command; parseLine(canonical(c)) gives c back. */
export function canonicalCommand(command: BurCommand): string {
  switch (command.kind) {
    case 'createAlias':
      return `create alias ${command.antecedent} -> ${command.consequent}`;
    case 'removeAlias':
      return `remove alias ${command.antecedent} -> ${command.consequent}`;
    case 'createImplication':
      return `create implication ${command.antecedent} -> ${command.consequent}`;
    case 'removeImplication':
      return `remove implication ${command.antecedent} -> ${command.consequent}`;
    case 'rename':
      return `rename ${command.from} -> ${command.to}`;
    case 'massUpdate': {
      const query = [...command.query.include, ...command.query.exclude.map((tag) => `-${tag}`)];
      const edits = [...command.edits.add, ...command.edits.remove.map((tag) => `-${tag}`)];
      return `update ${query.join(' ')} -> ${edits.join(' ')}`;
    }
    case 'changeCategory':
      return `category ${command.tag} -> ${command.category}`;
    case 'nuke':
      return `nuke ${command.tag}`;
    case 'deprecate':
      return `deprecate ${command.tag}`;
    case 'undeprecate':
      return `undeprecate ${command.tag}`;
  }
}

/** Splits a line into words on any whitespace; the collapsed line is words.join(' '). */
export function collapseWhitespace(line: string): string[] {
  return line.split(/\s+/u).filter((word) => word.length > 0);
}

/**
 * Parses one non-blank line (whitespace already collapsed or not). Resolves the command and its
 * canonical spelling, or the reason the line is bad. Never throws.
 */
export function parseLine(line: string): { command: BurCommand; canonical: string } | { reason: string } {
  try {
    const tokens = collapseWhitespace(line);
    if (tokens.length === 0) return { reason: 'the line is blank' };
    const keyword = findKeyword(tokens);
    if (!keyword) {
      const first = (tokens[0] ?? '').toLowerCase();
      const spelled = PREFIX_WORDS.has(first) && tokens.length > 1 ? `${first} ${(tokens[1] ?? '').toLowerCase()}` : first;
      return { reason: `unknown command ${displayTagName(spelled)} (expected one of: ${COMMAND_LIST})` };
    }
    const command = buildCommand(keyword, tokens.slice(keyword.words.length));
    checkSelfReference(command);
    return { command, canonical: canonicalCommand(command) };
  } catch (error) {
    if (error instanceof LineProblem) return { reason: error.reason };
    return { reason: `could not read the line (${error instanceof Error ? error.message : String(error)})` };
  }
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Parses a whole script. Never throws. */
export function parseScript(script: string): ParsedScript {
  const text = typeof script === 'string' ? script : '';
  const lines: ScriptLine[] = [];
  const errors: LineError[] = [];
  const scriptErrors: string[] = [];
  const firstLineOf = new Map<string, number>();

  const rawLines = text.split(/\r\n|\r|\n/);
  rawLines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const words = collapseWhitespace(raw);
    if (words.length === 0) return;
    const collapsed = words.join(' ');
    const parsed = parseLine(collapsed);
    if ('reason' in parsed) {
      errors.push({ lineNumber, text: collapsed, reason: parsed.reason });
      return;
    }
    const earlier = firstLineOf.get(parsed.canonical);
    if (earlier !== undefined) {
      errors.push({ lineNumber, text: collapsed, reason: `duplicate of line ${earlier}` });
      return;
    }
    firstLineOf.set(parsed.canonical, lineNumber);
    lines.push({ lineNumber, text: collapsed, canonical: parsed.canonical, command: parsed.command });
  });

  const characters = countCodePoints(text);
  if (characters > MAX_SCRIPT_CHARACTERS) {
    scriptErrors.push(
      `the script has ${formatCount(characters)} characters, more than the ${formatCount(MAX_SCRIPT_CHARACTERS)} allowed: split it into smaller requests`,
    );
  }
  const commands = lines.length + errors.length;
  if (commands > MAX_SCRIPT_LINES) {
    scriptErrors.push(`the script has ${formatCount(commands)} lines, more than the ${MAX_SCRIPT_LINES} allowed: split it into smaller requests`);
  }
  if (commands === 0) scriptErrors.push('the script is empty: write one command per line');
  return { lines, errors, scriptErrors };
}

function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}
