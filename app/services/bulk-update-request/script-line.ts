/**
 * One line of a BUR script: words in, a command and its canonical spelling (or the reason the line
 * is bad) out. Pure, and never throws (a property test feeds it random lines).
 *
 * Steps of parseLine(line):
 *   1. Split on any whitespace (collapseWhitespace); a blank line is an error here (parseScript
 *      skips blank lines before asking).
 *   2. Read the keyword, the longest match among the grammar's spellings (script-keywords.ts).
 *   3. Read the arguments in the command's shape and check what needs no database
 *      (script-arguments.ts); a LineProblem becomes the reason, any other error "could not read".
 *   4. Spell the command canonically (script-canonical.ts).
 *
 * Example:
 *   parseLine('imply  Long_Hair -> hair')
 *   // { command: { kind: 'createImplication', antecedent: 'long_hair', consequent: 'hair' },
 *   //   canonical: 'create implication long_hair -> hair' }
 *   parseLine('imply hair -> hair')  // { reason: "can't make a tag imply itself" }
 */
import { buildCommand, checkSelfReference, LineProblem } from './script-arguments';
import { canonicalCommand } from './script-canonical';
import { findKeyword, unknownCommand } from './script-keywords';
import type { BurCommand } from './types';

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
    if (!keyword) return { reason: unknownCommand(tokens) };
    const command = buildCommand(keyword, tokens.slice(keyword.words.length));
    checkSelfReference(command);
    return { command, canonical: canonicalCommand(command) };
  } catch (error) {
    if (error instanceof LineProblem) return { reason: error.reason };
    return { reason: `could not read the line (${error instanceof Error ? error.message : String(error)})` };
  }
}
