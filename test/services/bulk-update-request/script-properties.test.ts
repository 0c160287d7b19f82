// Property tests: the parser and the validator never throw, whatever the text, and always answer
// with per-line results whose line numbers point at non-blank lines of the script as written.
// Scripts come from a seeded PRNG (test/support/random.ts): random Unicode, random tokens of the
// grammar, and valid scripts mutated (lines deleted, duplicated, swapped, joined, characters
// changed). A failure prints the case's seed and script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTagRepository } from '../../../app/db/tag.repository';
import {
  collapseWhitespace,
  parseLine,
  parseScript,
} from '../../../app/services/bulk-update-request/script-parser';
import { checkScript } from '../../../app/services/bulk-update-request/script-validator';
import type { LineError, ScriptCheck, ScriptLine } from '../../../app/services/bulk-update-request/types';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';
import { seededRandom, type SeededRandom } from '../../support/random';
import { createTagWorld, TAG_WORLD_NAMES } from '../../support/tag-fixtures';

const db = testPrisma();
const repository = createTagRepository(db);

beforeAll(async () => {
  await truncateAll();
  await createTagWorld(db);
});
afterAll(() => disconnectTestPrisma());

// --- generators ----------------------------------------------------------------------------

const KEYWORDS = [
  'create alias',
  'alias',
  'remove alias',
  'unalias',
  'create implication',
  'imply',
  'remove implication',
  'unimply',
  'rename',
  'update',
  'mass update',
  'category',
  'nuke',
  'deprecate',
  'undeprecate',
  'create',
  'remove',
  'mass',
  'frob',
];
const CATEGORIES = ['general', 'artist', 'copyright', 'character', 'meta', 'species'];
const ODD_CHARACTERS = [
  '\n',
  '\r',
  '\r\n',
  '\t',
  ' ',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u200b',
  '\u0000',
  '\u0007',
  '\u007f',
  '\ufeff',
  '\ud800',
  '\udc00',
  '🐱',
  'é',
  'e\u0301',
  'İ',
  'ß',
  '->',
  '-',
  '>',
  '*',
  ',',
  '~',
  '_',
  '__',
  ':',
  '"',
  "'",
  '\\',
];

function randomUnicode(random: SeededRandom, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) {
    const roll = random.next();
    if (roll < 0.45) text += String.fromCharCode(random.int(0x20, 0x7e));
    else if (roll < 0.7) text += random.pick(ODD_CHARACTERS);
    else if (roll < 0.9) text += String.fromCodePoint(random.int(0x80, 0x2fff));
    else text += String.fromCharCode(random.int(0, 0xffff)); // any UTF-16 unit, lone surrogates included
  }
  return text;
}

function randomName(random: SeededRandom): string {
  const roll = random.next();
  if (roll < 0.55) return random.pick(TAG_WORLD_NAMES);
  if (roll < 0.8) return `t${random.int(0, 9)}`;
  if (roll < 0.9)
    return random.pick([
      '-',
      '->',
      '',
      '_x',
      'x_',
      'a__b',
      'and',
      'artist:x',
      'a,b',
      'x*',
      '~x',
      'x'.repeat(171),
    ]);
  return randomUnicode(random, random.int(1, 6)).replace(/\s/g, '');
}

function randomCase(random: SeededRandom, text: string): string {
  return random.chance(0.2)
    ? [...text].map((c) => (random.chance(0.5) ? c.toUpperCase() : c)).join('')
    : text;
}

function randomGrammarLine(random: SeededRandom): string {
  const keyword = randomCase(random, random.pick(KEYWORDS));
  const tokens = Array.from({ length: random.int(0, 5) }, () => {
    const roll = random.next();
    if (roll < 0.25) return '->';
    if (roll < 0.4) return `-${randomName(random)}`;
    if (roll < 0.45) return random.pick(CATEGORIES);
    return randomName(random);
  });
  const separator = () => random.pick([' ', ' ', ' ', '  ', '\t', '\u00a0']);
  return [keyword, ...tokens].join(separator());
}

const VALID_LINES = [
  'alias plain -> other',
  'unalias kitty -> cat',
  'imply plain -> other',
  'unimply cat -> animal',
  'rename small -> tiny',
  'update cat -animal -> feline -kitten',
  'mass update kitten -> t1',
  'category cat -> meta',
  'nuke ghost',
  'deprecate cat',
  'undeprecate old_tag',
  'alias t1 -> t2',
  'unalias t1 -> t2',
  'imply t3 -> t4',
  'imply t4 -> t3',
  'rename plain -> t5',
];

function mutate(random: SeededRandom, lines: string[]): string[] {
  const result = [...lines];
  const at = () => random.int(0, Math.max(0, result.length - 1));
  switch (random.int(0, 8)) {
    case 0:
      result.splice(at(), 1);
      break;
    case 1: {
      const i = at();
      result.splice(random.int(0, result.length), 0, result[i] ?? '');
      break;
    }
    case 2: {
      const [i, j] = [at(), at()];
      [result[i], result[j]] = [result[j] ?? '', result[i] ?? ''];
      break;
    }
    case 3: {
      const i = at();
      const line = result[i] ?? '';
      const position = random.int(0, line.length);
      result[i] = line.slice(0, position) + random.pick(ODD_CHARACTERS) + line.slice(position);
      break;
    }
    case 4: {
      const i = at();
      const line = result[i] ?? '';
      const position = random.int(0, line.length);
      result[i] = line.slice(0, position) + line.slice(position + random.int(1, 4));
      break;
    }
    case 5: {
      const i = at();
      result.splice(i, 2, `${result[i] ?? ''} ${result[i + 1] ?? ''}`);
      break;
    }
    case 6:
      result.splice(random.int(0, result.length), 0, random.pick(['', '   ', '\t']));
      break;
    case 7:
      result[at()] = randomGrammarLine(random);
      break;
    default:
      result[at()] = randomCase(random, result[at()] ?? '').toUpperCase();
  }
  return result;
}

function randomScript(random: SeededRandom): string {
  const kind = random.int(0, 9);
  if (kind <= 1) return randomUnicode(random, random.int(0, 300));
  if (kind <= 4) {
    const count = random.chance(0.03) ? random.int(95, 130) : random.int(1, 25);
    return Array.from({ length: count }, () => randomGrammarLine(random)).join(
      random.pick(['\n', '\r\n', '\r', '\n\n']),
    );
  }
  let lines = Array.from({ length: random.int(1, 12) }, () => random.pick(VALID_LINES));
  for (let i = random.int(1, 5); i > 0; i -= 1) lines = mutate(random, lines);
  return lines.join(random.pick(['\n', '\r\n']));
}

// --- properties ----------------------------------------------------------------------------

/** Throws (plain Error: thousands of cases, so no expect() per entry) when a property does not hold. */
function assertPerLineResults(
  script: string,
  parsedLines: readonly ScriptLine[],
  errors: readonly LineError[],
): void {
  const raw = script.split(/\r\n|\r|\n/);
  const fail = (what: string, entry?: unknown) => {
    throw new Error(`${what}${entry === undefined ? '' : `: ${JSON.stringify(entry)}`}`);
  };
  const checkPointsAtLine = (entry: { lineNumber: number; text: string }) => {
    if (!Number.isInteger(entry.lineNumber) || entry.lineNumber < 1 || entry.lineNumber > raw.length)
      fail('line number out of range', entry);
    const collapsed = collapseWhitespace(raw[entry.lineNumber - 1] ?? '').join(' ');
    if (collapsed === '') fail('points at a blank line', entry);
    if (entry.text !== collapsed) fail(`text is not the collapsed line ${JSON.stringify(collapsed)}`, entry);
  };
  for (const error of errors) {
    checkPointsAtLine(error);
    if (typeof error.reason !== 'string' || error.reason.length === 0) fail('empty reason', error);
  }
  for (const line of parsedLines) {
    checkPointsAtLine(line);
    // The canonical spelling parses back to the same command.
    const again = parseLine(line.canonical);
    if (
      !('command' in again) ||
      again.canonical !== line.canonical ||
      JSON.stringify(again.command) !== JSON.stringify(line.command)
    ) {
      fail('canonical form does not parse back to the same command', { line, again });
    }
  }
  const numbers = errors.map((error) => error.lineNumber);
  for (let i = 1; i < numbers.length; i += 1)
    if ((numbers[i] ?? 0) <= (numbers[i - 1] ?? 0))
      fail('errors not in strictly increasing line order', numbers);
  // Every non-blank line is accounted for: parsed, or a parse error.
  const covered = new Set([...parsedLines.map((line) => line.lineNumber), ...numbers]);
  raw.forEach((line, index) => {
    const blank = collapseWhitespace(line).length === 0;
    if (blank === covered.has(index + 1))
      fail(`line ${index + 1} is ${blank ? 'blank but reported' : 'not accounted for'}`);
  });
}

async function checkCase(seed: number, script: string): Promise<ScriptCheck> {
  let check: ScriptCheck;
  try {
    check = await checkScript(script, repository);
  } catch (error) {
    throw new Error(
      `checkScript threw for seed ${seed}, script ${JSON.stringify(script)}: ${String(error)}`,
      { cause: error },
    );
  }
  try {
    assertPerLineResults(script, check.lines, check.errors);
    if (check.ok !== (check.errors.length === 0 && check.scriptErrors.length === 0))
      throw new Error(`ok is ${check.ok}`);
  } catch (error) {
    throw new Error(`property failed for seed ${seed}, script ${JSON.stringify(script)}: ${String(error)}`, {
      cause: error,
    });
  }
  return check;
}

describe('parseScript on random text', () => {
  it('never throws and accounts for every non-blank line (3,000 scripts)', () => {
    for (let seed = 1; seed <= 3_000; seed += 1) {
      const script = randomScript(seededRandom(seed));
      let parsed;
      try {
        parsed = parseScript(script);
        const errorNumbers = new Set(parsed.errors.map((error) => error.lineNumber));
        if (parsed.lines.some((line) => errorNumbers.has(line.lineNumber)))
          throw new Error('a line is both parsed and a parse error');
        assertPerLineResults(
          script,
          parsed.lines,
          [...parsed.errors].sort((a, b) => a.lineNumber - b.lineNumber),
        );
      } catch (error) {
        throw new Error(`seed ${seed}, script ${JSON.stringify(script)}: ${String(error)}`, { cause: error });
      }
    }
  });
});

describe('checkScript on random text against the database', () => {
  it('never throws and answers per line (1,500 scripts)', { timeout: 120_000 }, async () => {
    const seen = { ok: 0, parseErrors: 0, validationErrors: 0, scriptErrors: 0 };
    for (let seed = 100_001; seed <= 101_500; seed += 1) {
      const check = await checkCase(seed, randomScript(seededRandom(seed)));
      const parsed = new Set(check.lines.map((line) => line.lineNumber));
      if (check.ok) seen.ok += 1;
      if (check.scriptErrors.length > 0) seen.scriptErrors += 1;
      for (const error of check.errors)
        seen[parsed.has(error.lineNumber) ? 'validationErrors' : 'parseErrors'] += 1;
    }
    // The generators reach every kind of outcome, so the properties are not vacuous.
    expect(seen.ok).toBeGreaterThan(20);
    expect(seen.scriptErrors).toBeGreaterThan(20);
    expect(seen.parseErrors).toBeGreaterThan(500);
    expect(seen.validationErrors).toBeGreaterThan(200);
  });

  it('copes with non-string input from untyped callers', async () => {
    const inputs: unknown[] = [undefined, null, 42, {}, ['alias a -> b']];
    for (const input of inputs) {
      const check = await checkScript(input as string, repository);
      expect(check.ok).toBe(false);
      expect(check.scriptErrors).toEqual(['the script is empty: write one command per line']);
    }
  });
});
