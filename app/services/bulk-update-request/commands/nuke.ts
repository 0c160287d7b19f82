/**
 * `nuke T`: every live implication from or to T becomes `deleted`, then T is removed from every
 * post in chunks (post counts move with the rows). T itself stays, with post count 0.
 * Both steps are idempotent. Mod action tag_nuke: "nuked [[t]]".
 *
 * Steps:
 *   1. one UPDATE retires T's live implications (deleteImplicationsOf);
 *   2. changePostsInChunks (post-tags.ts) deletes T's post_tags rows set-based: ONE statement per
 *      chunk of post ids (ctx.chunkSize, 5,000 by default; `DELETE FROM post_tags WHERE tag_id = T
 *      AND post_id` in the chunk's range, with tags.post_count and the line's rows_done moved in the
 *      same statement), never a statement per post or per row (2,500 posts at chunk 1,000: 3);
 *   3. the Finish: the tag_nuke mod action, in the line's finishing transaction (processing.ts).
 * Not deleteMany (app/db/delete-many.ts): that runs on a pg connection of its own, whereas these
 * chunk statements go through the line's Prisma client alongside its bookkeeping, and the rows are
 * selected by tag rather than listed by id.
 *
 * Example: const finish = await nukeTag(ctx, 'bad_tag')
 */
import { link, type CommandContext, type Finish } from './context';
import { lookupTags } from '../../../db/tag.repository';
import { changePostsInChunks } from './post-tags';
import { deleteImplicationsOf } from './relationships';

export async function nukeTag(ctx: CommandContext, name: string): Promise<Finish> {
  await deleteImplicationsOf(ctx.db, name);
  const tag = (await lookupTags(ctx.db, [name])).get(name);
  if (tag)
    await changePostsInChunks(
      ctx,
      { driver: tag.id, include: [], exclude: [] },
      { add: [], remove: [tag.id] },
    );
  return () => Promise.resolve({ category: 'tag_nuke', description: `nuked ${link(name)}` });
}
