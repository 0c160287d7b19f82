import { describe, expect, it } from 'vitest';
import {
  canonicalCommand,
  parseLine,
  parseScript,
} from '../../../app/services/bulk-update-request/script-parser';
import {
  MAX_SCRIPT_CHARACTERS,
  MAX_SCRIPT_LINES,
  type BurCommand,
} from '../../../app/services/bulk-update-request/types';

function command(line: string): BurCommand {
  const parsed = parseLine(line);
  if ('reason' in parsed) throw new Error(`expected "${line}" to parse, got: ${parsed.reason}`);
  return parsed.command;
}

function reason(line: string): string {
  const parsed = parseLine(line);
  if (!('reason' in parsed)) throw new Error(`expected "${line}" not to parse, got ${parsed.canonical}`);
  return parsed.reason;
}

describe('parseLine: every command and spelling', () => {
  it.each([
    ['create alias a -> b', { kind: 'createAlias', antecedent: 'a', consequent: 'b' }],
    ['alias a -> b', { kind: 'createAlias', antecedent: 'a', consequent: 'b' }],
    ['remove alias a -> b', { kind: 'removeAlias', antecedent: 'a', consequent: 'b' }],
    ['unalias a -> b', { kind: 'removeAlias', antecedent: 'a', consequent: 'b' }],
    ['create implication a -> b', { kind: 'createImplication', antecedent: 'a', consequent: 'b' }],
    ['imply a -> b', { kind: 'createImplication', antecedent: 'a', consequent: 'b' }],
    ['remove implication a -> b', { kind: 'removeImplication', antecedent: 'a', consequent: 'b' }],
    ['unimply a -> b', { kind: 'removeImplication', antecedent: 'a', consequent: 'b' }],
    ['rename a -> b', { kind: 'rename', from: 'a', to: 'b' }],
    ['category a -> artist', { kind: 'changeCategory', tag: 'a', category: 'artist' }],
    ['nuke a', { kind: 'nuke', tag: 'a' }],
    ['deprecate a', { kind: 'deprecate', tag: 'a' }],
    ['undeprecate a', { kind: 'undeprecate', tag: 'a' }],
  ] as const)('%s', (line, expected) => {
    expect(command(line)).toEqual(expected);
  });

  it('reads update and mass update: QUERY (tags, -excludes) -> EDITS (adds, -removes)', () => {
    const expected = {
      kind: 'massUpdate',
      query: { include: ['a', 'b'], exclude: ['c'] },
      edits: { add: ['d'], remove: ['e'] },
    };
    expect(command('update a b -c -> d -e')).toEqual(expected);
    expect(command('mass update a b -c -> d -e')).toEqual(expected);
    expect(command('update a -> -e')).toEqual({
      kind: 'massUpdate',
      query: { include: ['a'], exclude: [] },
      edits: { add: [], remove: ['e'] },
    });
  });

  it('accepts every category, in any case', () => {
    for (const category of ['general', 'artist', 'copyright', 'character', 'meta']) {
      expect(command(`category t -> ${category.toUpperCase()}`)).toEqual({
        kind: 'changeCategory',
        tag: 't',
        category,
      });
    }
  });

  it('reads keywords in any case and normalizes tag names to lower case', () => {
    expect(command('CREATE Alias Long_Hair -> VERY_long_hair')).toEqual({
      kind: 'createAlias',
      antecedent: 'long_hair',
      consequent: 'very_long_hair',
    });
    expect(command('Mass UPDATE A -B -> C')).toMatchObject({
      query: { include: ['a'], exclude: ['b'] },
      edits: { add: ['c'] },
    });
  });

  it('spells each command canonically, and the canonical form parses back to the same command', () => {
    const lines = [
      'alias A -> B',
      'unalias a -> b',
      'imply a -> b',
      'unimply a -> b',
      'rename a -> b',
      'mass update a -b -> c -d',
      'category a -> META',
      'nuke a',
      'deprecate a',
      'undeprecate a',
    ];
    const canonical = lines.map((line) => canonicalCommand(command(line)));
    expect(canonical).toEqual([
      'create alias a -> b',
      'remove alias a -> b',
      'create implication a -> b',
      'remove implication a -> b',
      'rename a -> b',
      'update a -b -> c -d',
      'category a -> meta',
      'nuke a',
      'deprecate a',
      'undeprecate a',
    ]);
    for (const text of canonical) expect(canonicalCommand(command(text))).toBe(text);
  });
});

describe('parseLine: rejections', () => {
  it('names the unknown command and lists the known ones', () => {
    expect(reason('frobnicate a')).toMatch(
      /^unknown command 'frobnicate' \(expected one of: create alias, alias, remove alias, unalias, create implication, imply, remove implication, unimply, rename, update, mass update, category, nuke, deprecate, undeprecate\)$/,
    );
    expect(reason('create tag a')).toMatch(/^unknown command 'create tag'/);
    expect(reason('-> a')).toMatch(/^unknown command '->'/);
  });

  it('says which shape a command expects', () => {
    expect(reason('alias a b')).toBe("expected 'alias A -> B': found no '->'");
    expect(reason('create alias a -> b -> c')).toBe("expected 'create alias A -> B': found 2 '->'");
    expect(reason('imply a b -> c')).toBe("expected 'imply A -> B': one tag on each side of '->'");
    expect(reason('rename a ->')).toBe("expected 'rename A -> B': one tag on each side of '->'");
    expect(reason('nuke')).toBe("expected 'nuke TAG'");
    expect(reason('deprecate a b')).toBe("expected 'deprecate TAG'");
    expect(reason('undeprecate ->')).toBe("expected 'undeprecate TAG'");
    expect(reason('category a artist')).toBe(
      "expected 'category TAG -> general|artist|copyright|character|meta': found no '->'",
    );
    expect(reason('update a b')).toMatch(
      /^expected 'update QUERY -> EDITS' \(QUERY: tags and -tags to match, EDITS: tags to add and -tags to remove\): found no '->'$/,
    );
  });

  it('refuses an unknown category, naming the valid ones', () => {
    expect(reason('category a -> species')).toBe(
      "unknown category 'species' (expected one of: general, artist, copyright, character, meta)",
    );
  });

  it('refuses self-aliases, self-implications and self-renames', () => {
    expect(reason('alias a -> A')).toBe("can't alias a tag to itself");
    expect(reason('imply a -> a')).toBe("can't make a tag imply itself");
    expect(reason('rename a -> a')).toBe("can't rename a tag to itself");
  });

  it('refuses bad tag names, naming the rule', () => {
    expect(reason('alias -a -> b')).toBe("'-a' begins with a dash ('-')");
    expect(reason('alias a->b -> c')).toBe("'a->b' contains '->'");
    expect(reason(`nuke ${'x'.repeat(171)}`)).toMatch(/is 171 characters long, more than the 170 allowed$/);
    expect(reason('nuke a\u0000b')).toBe("'a\\u0000b' contains a non-printable character");
    expect(reason('update a -> --b')).toBe("'-b' begins with a dash ('-')");
    expect(reason('update - -> b')).toBe('tag name is empty');
  });

  it('refuses update queries and edits that cannot mean anything', () => {
    expect(reason('update -a -> b')).toMatch(/^the query needs at least one tag that posts must have/);
    expect(reason('update -> b')).toMatch(/^the query needs at least one tag/);
    expect(reason('update a ->')).toBe("nothing to change: give tags to add or '-tag's to remove after '->'");
    expect(reason('update a -a -> b')).toBe("the query requires and excludes 'a', so it matches no post");
    expect(reason('update a -> b -b')).toBe("the edits both add and remove 'b'");
  });
});

describe('parseScript', () => {
  it('numbers lines as written, skips blank lines and collapses whitespace', () => {
    const parsed = parseScript('\n  alias   a ->\tb  \r\n\r\n\t\nimply c -> d\rnuke   e');
    expect(parsed.errors).toEqual([]);
    expect(parsed.scriptErrors).toEqual([]);
    expect(parsed.lines.map(({ lineNumber, text, canonical }) => ({ lineNumber, text, canonical }))).toEqual([
      { lineNumber: 2, text: 'alias a -> b', canonical: 'create alias a -> b' },
      { lineNumber: 5, text: 'imply c -> d', canonical: 'create implication c -> d' },
      { lineNumber: 6, text: 'nuke e', canonical: 'nuke e' },
    ]);
  });

  it('reports every bad line, not only the first', () => {
    const parsed = parseScript('alias a -> b\nbogus\nimply x -> x\n\nnuke\nnuke ok');
    expect(parsed.errors).toEqual([
      { lineNumber: 2, text: 'bogus', reason: expect.stringMatching(/^unknown command 'bogus'/) },
      { lineNumber: 3, text: 'imply x -> x', reason: "can't make a tag imply itself" },
      { lineNumber: 5, text: 'nuke', reason: "expected 'nuke TAG'" },
    ]);
    expect(parsed.lines.map((line) => line.lineNumber)).toEqual([1, 6]);
  });

  it('refuses a duplicate line, whatever its spelling, naming the first', () => {
    const parsed = parseScript('alias a -> b\nnuke c\nCREATE ALIAS A  ->  b\nnuke c');
    expect(parsed.errors).toEqual([
      { lineNumber: 3, text: 'CREATE ALIAS A -> b', reason: 'duplicate of line 1' },
      { lineNumber: 4, text: 'nuke c', reason: 'duplicate of line 2' },
    ]);
  });

  it(`accepts ${MAX_SCRIPT_LINES} lines and refuses ${MAX_SCRIPT_LINES + 1}, blank lines not counted`, () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `nuke tag_${i}`).join('\n\n');
    expect(parseScript(lines(MAX_SCRIPT_LINES)).scriptErrors).toEqual([]);
    const tooMany = parseScript(lines(MAX_SCRIPT_LINES + 1));
    expect(tooMany.scriptErrors).toEqual([
      'the script has 101 lines, more than the 100 allowed: split it into smaller requests',
    ]);
    expect(tooMany.lines).toHaveLength(MAX_SCRIPT_LINES + 1);
  });

  it(`refuses more than ${MAX_SCRIPT_CHARACTERS.toLocaleString('en-US')} characters`, () => {
    const commands = Array.from({ length: 10 }, (_, i) => `nuke tag_${i}`).join('\n');
    const exact = commands.padEnd(MAX_SCRIPT_CHARACTERS, ' ');
    expect(parseScript(exact).scriptErrors).toEqual([]);
    expect(parseScript(`${exact} `).scriptErrors).toEqual([
      'the script has 20,001 characters, more than the 20,000 allowed: split it into smaller requests',
    ]);
  });

  it('counts characters as code points, not UTF-16 units', () => {
    const line = `nuke ${'🐱'.repeat(170)}`; // 175 code points, 345 UTF-16 units
    const exact = `${line}${' '.repeat(MAX_SCRIPT_CHARACTERS - 175)}`;
    expect(exact.length).toBeGreaterThan(MAX_SCRIPT_CHARACTERS);
    expect(parseScript(exact).scriptErrors).toEqual([]);
    expect(parseScript(`${exact} `).scriptErrors).toHaveLength(1);
  });

  it('refuses an empty or blank script', () => {
    expect(parseScript('').scriptErrors).toEqual(['the script is empty: write one command per line']);
    expect(parseScript(' \n\t\r\n').scriptErrors).toEqual([
      'the script is empty: write one command per line',
    ]);
  });
});
