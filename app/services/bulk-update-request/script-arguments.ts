/**
 * A BUR command's arguments: the tokens after the keyword, read in the shape the command takes,
 * into a BurCommand, with the checks that need no database. A bad line throws LineProblem, which
 * parseLine (script-line.ts) turns into the line's reason; nothing else catches it.
 *
 * Steps of buildCommand(keyword, args):
 *   1. Read the shape: 'A -> B' (aliases, implications, rename), 'TAG' (nuke, deprecate,
 *      undeprecate), 'QUERY -> EDITS' (mass update), 'TAG -> CATEGORY' (category). A wrong shape
 *      says which shape was expected (usage).
 *   2. Normalize each tag name (NFC, lower case) and check the structural name rules (tag-name.ts);
 *      creation rules need the database and are the validator's.
 *   3. Mass update: a query with a required tag, some edit, no tag both required and excluded, no
 *      tag both added and removed.
 * checkSelfReference(command): a tag aliased, implied or renamed to itself.
 *
 * Example:
 *   buildCommand({ words: ['imply'], kind: 'createImplication' }, ['Long_Hair', '->', 'hair'])
 *   // { kind: 'createImplication', antecedent: 'long_hair', consequent: 'hair' }
 *   buildCommand({ words: ['nuke'], kind: 'nuke' }, ['a', 'b'])  // throws LineProblem("expected 'nuke TAG'")
 */
import type { Keyword } from './script-keywords';
import { checkTagName, displayTagName, normalizeTagName } from './tag-name';
import { TAG_CATEGORIES, type BurCommand, type TagCategoryName } from './types';

/** A line-level failure inside the parser; never escapes parseLine. */
export class LineProblem extends Error {
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
  if (arrows.length !== 1)
    fail(`${usage(keyword)}: found ${arrows.length === 0 ? "no '->'" : `${arrows.length} '->'`}`);
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
    fail(
      `unknown category ${displayTagName(right[0] ?? '')} (expected one of: ${TAG_CATEGORIES.join(', ')})`,
    );
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
  if (include.length === 0)
    fail(
      "the query needs at least one tag that posts must have (only '-tag' exclusions would match almost every post)",
    );
  if (add.length === 0 && remove.length === 0)
    fail("nothing to change: give tags to add or '-tag's to remove after '->'");
  const both = include.find((tag) => exclude.includes(tag));
  if (both !== undefined)
    fail(`the query requires and excludes ${displayTagName(both)}, so it matches no post`);
  const addedAndRemoved = add.find((tag) => remove.includes(tag));
  if (addedAndRemoved !== undefined) fail(`the edits both add and remove ${displayTagName(addedAndRemoved)}`);
  return { kind: 'massUpdate', query: { include, exclude }, edits: { add, remove } };
}

/** The command the keyword and its arguments spell; throws LineProblem when they spell none. */
export function buildCommand(keyword: Keyword, args: readonly string[]): BurCommand {
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

/** Throws LineProblem for a tag aliased, implied or renamed to itself. */
export function checkSelfReference(command: BurCommand): void {
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
