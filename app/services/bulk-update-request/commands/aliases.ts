/**
 * `create alias A -> B` and `remove alias A -> B`.
 *
 * create alias: the alias row is created as `processing` first (live, so validation of other
 * requests already sees it, and a resumed line finds it), then the tag is moved (move-tag.ts:
 * relationships, category, posts in chunks); the finish switches the alias to `active` in the
 * transaction that marks the line done. Mod action tag_alias_create: "created tag alias [[a]] -> [[b]]".
 *
 * remove alias: the live alias becomes `deleted`, all in the finishing transaction; posts keep
 * their tags (as in Danbooru). Mod action tag_alias_delete: "deleted tag alias [[a]] -> [[b]]".
 * An alias already gone when the line runs (removed since approval) leaves the line nothing to do,
 * as Danbooru's RemoveAlias does (`existing_alias&.reject!`): the line is done, and its mod action
 * says "tag alias [[a]] -> [[b]] was already gone".
 *
 * Example: const finish = await createAlias(ctx, 'a', 'b'); await db.$transaction((tx) => finish(tx))
 */
import { link, type CommandContext, type Finish } from './context';
import { moveTag } from './move-tag';
import { activateRelationship, deleteRelationship, startRelationship } from './relationships';

export async function createAlias(
  ctx: CommandContext,
  antecedent: string,
  consequent: string,
): Promise<Finish> {
  const alias = await startRelationship(ctx.db, 'alias', antecedent, consequent, ctx);
  await moveTag(ctx, antecedent, consequent);
  return async (tx) => {
    await activateRelationship(tx, 'alias', alias.id);
    return {
      category: 'tag_alias_create',
      description: `created tag alias ${link(antecedent)} -> ${link(consequent)}`,
    };
  };
}

export function removeAlias(_ctx: CommandContext, antecedent: string, consequent: string): Promise<Finish> {
  return Promise.resolve(async (tx) => {
    const deleted = await deleteRelationship(tx, 'alias', antecedent, consequent);
    const pair = `tag alias ${link(antecedent)} -> ${link(consequent)}`;
    return {
      category: 'tag_alias_delete',
      description: deleted ? `deleted ${pair}` : `${pair} was already gone`,
    };
  });
}
