/**
 * `create implication A -> B` and `remove implication A -> B`.
 *
 * create implication: the implication row is created as `processing` (a resumed line finds it),
 * then B and every tag B implies are added to each post with A that lacks one of them, in chunks
 * (Danbooru adds implied tags when it saves the posts of a new implication); the finish switches
 * it to `active`. Mod action tag_implication_create: "created tag implication [[a]] -> [[b]]".
 *
 * remove implication: the live implication becomes `deleted` in the finishing transaction; posts
 * keep B. Mod action tag_implication_delete: "deleted tag implication [[a]] -> [[b]]". One already
 * gone when the line runs leaves nothing to do (Danbooru: `existing_implication&.reject!`): the line
 * is done with "tag implication [[a]] -> [[b]] was already gone".
 *
 * Example: const finish = await createImplication(ctx, 'kitten', 'cat')
 */
import { link, type CommandContext, type Finish } from './context';
import { ensureTags, lookupTags, withImpliedTags } from '../../../db/tag.repository';
import { changePostsInChunks } from './post-tags';
import { activateRelationship, deleteRelationship, startRelationship } from './relationships';

export async function createImplication(
  ctx: CommandContext,
  antecedent: string,
  consequent: string,
): Promise<Finish> {
  const implication = await startRelationship(ctx.db, 'implication', antecedent, consequent, ctx);
  const added = (await withImpliedTags(ctx.db, [consequent])).filter((name) => name !== antecedent);
  const ids = await ensureTags(ctx.db, added);
  const source = (await lookupTags(ctx.db, [antecedent])).get(antecedent);
  if (source) {
    await changePostsInChunks(
      ctx,
      { driver: source.id, include: [], exclude: [] },
      { add: added.map((name) => ids.get(name) ?? 0).filter((id) => id > 0), remove: [] },
    );
  }
  return async (tx) => {
    await activateRelationship(tx, 'implication', implication.id);
    return {
      category: 'tag_implication_create',
      description: `created tag implication ${link(antecedent)} -> ${link(consequent)}`,
    };
  };
}

export function removeImplication(
  _ctx: CommandContext,
  antecedent: string,
  consequent: string,
): Promise<Finish> {
  return Promise.resolve(async (tx) => {
    const deleted = await deleteRelationship(tx, 'implication', antecedent, consequent);
    const pair = `tag implication ${link(antecedent)} -> ${link(consequent)}`;
    return {
      category: 'tag_implication_delete',
      description: deleted ? `deleted ${pair}` : `${pair} was already gone`,
    };
  });
}
