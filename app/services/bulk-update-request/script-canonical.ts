/**
 * The canonical spelling of a BUR command: the long keyword, normalized tag names, single spaces.
 * Two lines are the same command when their canonical spellings are equal (the parser's duplicate
 * check), and BulkUpdateRequestLine rows store it as the line's text to run.
 *
 * Steps: spell the long keyword ('create alias', not 'alias'; 'update', not 'mass update'), then the
 * arguments in the command's shape; a mass update lists required tags, then '-'excluded ones, and
 * tags to add, then '-'tags to remove. parseLine(canonicalCommand(c)) gives c back.
 *
 * Example:
 *   canonicalCommand({ kind: 'massUpdate', query: { include: ['a'], exclude: ['b'] }, edits: { add: ['c'], remove: [] } })
 *   // 'update a -b -> c'
 */
import type { BurCommand } from './types';

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
