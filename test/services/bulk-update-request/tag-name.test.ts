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

  // Danbooru's TagNameValidator messages, word for word.
  const creation: Array<[string, TagNameRule, string]> = [
    ['___', 'blank', 'cannot be blank'],
    ['a,b', 'comma', "'a,b' cannot contain commas (',')"],
    ['star*', 'asterisk', "'star*' cannot contain asterisks ('*')"],
    ['~maybe', 'leading_character', "'~maybe' cannot begin with a '~'"],
    ['_x', 'leading_character', "'_x' cannot begin with a '_'"],
    ['(paren)', 'leading_character', "'(paren)' cannot begin with a '('"],
    ['`tick', 'leading_character', "'`tick' cannot begin with a '`'"],
    ['%percent', 'leading_character', "'%percent' cannot begin with a '%'"],
    ['/slash', 'leading_character', "'/slash' cannot begin with a '/'"],
    ['[box]', 'leading_character', "'[box]' cannot begin with a '['"],
    ['x_', 'trailing_underscore', "'x_' cannot end with an underscore"],
    ['a__b', 'consecutive_underscores', "'a__b' cannot contain consecutive underscores"],
    ['pokémon', 'non_ascii', "'pokémon' must consist of only ASCII characters"],
    ['and', 'reserved', "'and' is a reserved name and cannot be used"],
    ['artist:someone', 'metatag_prefix', "'artist:someone' cannot begin with 'artist:'"],
    ['art:someone', 'metatag_prefix', "'art:someone' cannot begin with 'art:'"],
    ['user:me', 'metatag_prefix', "'user:me' cannot begin with 'user:'"],
    ['order:score', 'metatag_prefix', "'order:score' cannot begin with 'order:'"],
    ['children:3', 'metatag_prefix', "'children:3' cannot begin with 'children:'"],
    ['newpool:x', 'metatag_prefix', "'newpool:x' cannot begin with 'newpool:'"],
    ['foo_(bar', 'unbalanced_parentheses', "'foo_(bar' cannot have unbalanced parentheses"],
    ['foo)_(bar', 'unbalanced_parentheses', "'foo)_(bar' cannot have unbalanced parentheses"],
  ];
  it.each(creation)('refuses %j only as a new tag (%s)', (name, rule, message) => {
    expect(checkTagName(name, 'existing')).toBeUndefined();
    const problem = checkTagName(name, 'new');
    expect(problem?.rule).toBe(rule);
    expect(problem?.message).toContain(message);
  });

  it("accepts a bare metatag word, a colon with nothing after it, and Danbooru's permitted emoticons", () => {
    for (const name of ['user', 'user:', 're:zero', ':)', ';(', '>:(', 'a_(b)_(c)']) {
      expect(checkTagName(name, 'new'), name).toBeUndefined();
    }
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
