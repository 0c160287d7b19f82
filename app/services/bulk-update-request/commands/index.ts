/**
 * Runs one BUR command: the dispatch from a parsed command to its module in this folder.
 * See context.ts for the contract (idempotent run, then a Finish run in the line's last
 * transaction).
 *
 * Example: const finish = await runCommand(ctx, parseLine('alias a -> b').command)
 */
import type { BurCommand } from '../types';
import { createAlias, removeAlias } from './aliases';
import type { CommandContext, Finish } from './context';
import { createImplication, removeImplication } from './implications';
import { massUpdate } from './mass-update';
import { nukeTag } from './nuke';
import { renameTag } from './rename';
import { changeCategory, setDeprecated } from './tag-attributes';

export {
  BurCommandError,
  DEFAULT_CHUNK_SIZE,
  type CommandContext,
  type Finish,
  type FinishResult,
  type ModActionSpec,
  type Tx,
} from './context';

export function runCommand(ctx: CommandContext, command: BurCommand): Promise<Finish> {
  switch (command.kind) {
    case 'createAlias':
      return createAlias(ctx, command.antecedent, command.consequent);
    case 'removeAlias':
      return removeAlias(ctx, command.antecedent, command.consequent);
    case 'createImplication':
      return createImplication(ctx, command.antecedent, command.consequent);
    case 'removeImplication':
      return removeImplication(ctx, command.antecedent, command.consequent);
    case 'rename':
      return renameTag(ctx, command.from, command.to);
    case 'massUpdate':
      return massUpdate(ctx, command.query, command.edits);
    case 'changeCategory':
      return changeCategory(ctx, command.tag, command.category);
    case 'nuke':
      return nukeTag(ctx, command.tag);
    case 'deprecate':
      return setDeprecated(ctx, command.tag, true);
    case 'undeprecate':
      return setDeprecated(ctx, command.tag, false);
  }
}
