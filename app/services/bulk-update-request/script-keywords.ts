/**
 * The BUR script's command keywords: every spelling of every command (the grammar in types.ts),
 * matched case-insensitively, and the reason a line gets when its first words are no command.
 *
 * Steps of findKeyword(tokens): lower-case the first two words; return the first spelling whose
 * words all match them (two-word spellings are listed, and so tried, first).
 * Steps of unknownCommand(tokens): name the first word, or the first two when the first only ever
 * begins a two-word keyword ('create', 'remove', 'mass'), and list every spelling.
 *
 * Example:
 *   findKeyword(['Create', 'Alias', 'a', '->', 'b'])  // { words: ['create', 'alias'], kind: 'createAlias' }
 *   unknownCommand(['remove', 'tag', 'x'])           // "unknown command 'remove tag' (expected one of: ...)"
 */
import { displayTagName } from './tag-name';
import type { BurCommandKind } from './types';

export interface Keyword {
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

/** The keyword the line's first words spell, or undefined. */
export function findKeyword(tokens: readonly string[]): Keyword | undefined {
  const lower = tokens.slice(0, 2).map((token) => token.toLowerCase());
  return KEYWORDS.find((keyword) => keyword.words.every((word, index) => lower[index] === word));
}

/** The reason for a line (at least one token) whose first words are no keyword. */
export function unknownCommand(tokens: readonly string[]): string {
  const first = (tokens[0] ?? '').toLowerCase();
  const spelled =
    PREFIX_WORDS.has(first) && tokens.length > 1 ? `${first} ${(tokens[1] ?? '').toLowerCase()}` : first;
  return `unknown command ${displayTagName(spelled)} (expected one of: ${COMMAND_LIST})`;
}
