/**
 * The BUR script parser: text in, parsed lines and per-line errors out. Pure: no database, no
 * exceptions on any input (a property test feeds it thousands of random scripts). One line's
 * grammar is script-line.ts's; this module handles the script as a whole.
 *
 * Steps:
 *   1. Split into lines on \r\n, \r or \n; number them from 1 as written; skip blank lines;
 *      collapse runs of whitespace to one space.
 *   2. Parse each line (parseLine: keyword, arguments, name rules, checks that need no database).
 *   3. A duplicate command (same canonical form as an earlier line, whatever the spelling) is an
 *      error naming the earlier line.
 *   4. Script limits: at most MAX_SCRIPT_CHARACTERS characters and MAX_SCRIPT_LINES commands,
 *      and at least one command; a breach is a script error, and every line is still parsed.
 *
 * Example:
 *   parseScript('alias a -> b\n\nimply b -> b\nfrobnicate x')
 *   // lines: [{ lineNumber: 1, canonical: 'create alias a -> b', ... }]
 *   // errors: [{ lineNumber: 3, reason: "can't make a tag imply itself" },
 *   //          { lineNumber: 4, reason: "unknown command 'frobnicate' (expected one of: ...)" }]
 */
import { collapseWhitespace, parseLine } from './script-line';
import {
  MAX_SCRIPT_CHARACTERS,
  MAX_SCRIPT_LINES,
  type LineError,
  type ParsedScript,
  type ScriptLine,
} from './types';

// Callers of the one-line parser and the canonical spelling import them from here too.
export { canonicalCommand } from './script-canonical';
export { collapseWhitespace, parseLine } from './script-line';

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
    scriptErrors.push(
      `the script has ${formatCount(commands)} lines, more than the ${MAX_SCRIPT_LINES} allowed: split it into smaller requests`,
    );
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
