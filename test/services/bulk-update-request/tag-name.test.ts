import { describe, expect, it } from 'vitest';
import {
  checkTagName,
  displayTagName,
  MAX_TAG_NAME_LENGTH,
  normalizeTagName,
  type TagNameRule,
} from '../../../app/services/bulk-update-request/tag-name';

describe('normalizeTagName', () => {
  it('lower-cases and composes to NFC', () => {
    expect(normalizeTagName('Long_Hair')).toBe('long_hair');
    expect(normalizeTagName('Pokémon')).toBe('pokémon'.normalize('NFC'));
    expect(normalizeTagName('e\u0301')).toBe('\u00e9');
  });
});

describe('checkTagName', () => {
  it('accepts ordinary names in both modes', () => {
    for (const name of [
      '1girl',
      'long_hair',
      're:zero',
      'hatsune_miku_(cosplay)',
      'a',
      'x'.repeat(MAX_TAG_NAME_LENGTH),
    ]) {
      expect(checkTagName(name, 'new')).toBeUndefined();
      expect(checkTagName(name, 'existing')).toBeUndefined();
    }
  });

  const structural: Array<[string, TagNameRule, string]> = [
    ['', 'empty', 'tag name is empty'],
    [
      'x'.repeat(MAX_TAG_NAME_LENGTH + 1),
      'too_long',
      `is 171 characters long, more than the ${MAX_TAG_NAME_LENGTH} allowed`,
    ],
    ['long hair', 'whitespace', "'long hair' contains whitespace"],
    ['tab\there', 'whitespace', 'contains whitespace'],
    ['bell\u0007', 'non_printable', "'bell\\u0007' contains a non-printable character"],
    ['zero\u200bwidth', 'non_printable', 'contains a non-printable character'],
    ['-foo', 'leading_dash', "'-foo' begins with a dash ('-')"],
    ['a->b', 'arrow', "'a->b' contains '->'"],
  ];
  it.each(structural)('refuses %j in every mode (%s)', (name, rule, message) => {
    for (const mode of ['existing', 'new'] as const) {
      const problem = checkTagName(name, mode);
      expect(problem?.rule).toBe(rule);
      expect(problem?.message).toContain(message);
    }
  });

  const creation: Array<[string, TagNameRule, string]> = [
    ['a,b', 'comma', "'a,b' contains a comma (',')"],
    ['star*', 'asterisk', "'star*' contains an asterisk ('*')"],
    ['~maybe', 'leading_tilde', "'~maybe' begins with a tilde ('~')"],
    ['_x', 'leading_underscore', "'_x' begins with an underscore ('_')"],
    ['x_', 'trailing_underscore', "'x_' ends with an underscore ('_')"],
    ['a__b', 'consecutive_underscores', "'a__b' contains consecutive underscores ('__')"],
    ['pokémon', 'non_ascii', "'pokémon' contains a non-ASCII character (new tag names are ASCII only)"],
    ['and', 'reserved', "'and' is a reserved word and cannot be a tag name"],
    ['artist:someone', 'category_prefix', "'artist:someone' begins with 'artist:'"],
  ];
  it.each(creation)('refuses %j only as a new tag (%s)', (name, rule, message) => {
    expect(checkTagName(name, 'existing')).toBeUndefined();
    const problem = checkTagName(name, 'new');
    expect(problem?.rule).toBe(rule);
    expect(problem?.message).toContain(message);
  });

  it('counts length in characters, not UTF-16 units', () => {
    expect(checkTagName('🐱'.repeat(MAX_TAG_NAME_LENGTH), 'existing')).toBeUndefined();
    expect(checkTagName('🐱'.repeat(MAX_TAG_NAME_LENGTH + 1), 'existing')?.rule).toBe('too_long');
  });
});

describe('displayTagName', () => {
  it('quotes, shortens long names and escapes control characters', () => {
    expect(displayTagName('cat')).toBe("'cat'");
    expect(displayTagName('x'.repeat(50))).toBe(`'${'x'.repeat(40)}…'`);
    expect(displayTagName('a\nb')).toBe("'a\\u000ab'");
  });
});
