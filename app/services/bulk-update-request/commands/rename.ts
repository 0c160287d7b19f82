/**
 * `rename A -> B`: moves tag A onto B (move-tag.ts: relationships, category, posts) without an
 * alias, for a tag with at most MAX_RENAME_POST_COUNT posts. The limit is checked again when the
 * line runs (the database may have changed since validation): a tag with more posts fails the
 * line with the validator's message, telling the author to use an alias. A resumed line counts
 * only the posts still to move. A tag gone by the time the line runs has no posts to move: the
 * line still moves its relationships and is done, as Danbooru's TagMover (find_or_create_by_name)
 * does.
 * Mod action tag_rename: "renamed [[a]] -> [[b]]".
 *
 * Example: const finish = await renameTag(ctx, 'colour', 'color')
 */
import { lookupTags } from '../../../db/tag.repository';
import { MAX_RENAME_POST_COUNT } from '../types';
import { BurCommandError, link, type CommandContext, type Finish } from './context';
import { moveTag } from './move-tag';

export async function renameTag(ctx: CommandContext, from: string, to: string): Promise<Finish> {
  const source = (await lookupTags(ctx.db, [from])).get(from);
  const rows = source
    ? await ctx.db.$queryRawUnsafe<Array<{ n: number }>>(
        'SELECT count(*)::int AS n FROM post_tags WHERE tag_id = $1',
        source.id,
      )
    : [];
  const posts = rows[0]?.n ?? 0;
  if (posts > MAX_RENAME_POST_COUNT) {
    throw new BurCommandError(
      `'${from}' has ${posts} posts, more than the ${MAX_RENAME_POST_COUNT} a rename may move: use an alias instead (create alias ${from} -> ${to})`,
    );
  }
  await moveTag(ctx, from, to);
  return () =>
    Promise.resolve({ category: 'tag_rename', description: `renamed ${link(from)} -> ${link(to)}` });
}
