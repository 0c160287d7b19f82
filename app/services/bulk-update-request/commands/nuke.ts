/**
 * `nuke T`: every live implication from or to T becomes `deleted`, then T is removed from every
 * post in chunks (post counts move with the rows). T itself stays, with post count 0.
 * Both steps are idempotent. Mod action tag_nuke: "nuked [[t]]".
 *
 * Example: const finish = await nukeTag(ctx, 'bad_tag')
 */
import { link, type CommandContext, type Finish } from './context';
import { changePostsInChunks, findTags } from './post-tags';
import { deleteImplicationsOf } from './relationships';

export async function nukeTag(ctx: CommandContext, name: string): Promise<Finish> {
  await deleteImplicationsOf(ctx.db, name);
  const tag = (await findTags(ctx.db, [name])).get(name);
  if (tag) await changePostsInChunks(ctx, { driver: tag.id, include: [], exclude: [] }, { add: [], remove: [tag.id] });
  return () => Promise.resolve({ category: 'tag_nuke', description: `nuked ${link(name)}` });
}
