/**
 * Moving one tag onto another (Danbooru's TagMover): what `create alias A -> B` and `rename A -> B`
 * do to the database besides their own rows.
 *
 * Steps of moveTag(ctx, from, to), each idempotent:
 *   1. one transaction: create `to` if missing (with the category of `from`), give a general `to`
 *      the category of a non-general `from` (Danbooru's move_tag_category), and move the live
 *      aliases and implications of `from` to `to` (relationships.ts);
 *   2. the tags `to` implies, transitively, after that move;
 *   3. posts, in chunks (post-tags.ts): every post with `from` loses it and gains `to` and the
 *      tags `to` implies; post counts move with the rows, chunk by chunk.
 * `from` stays as a tag with post count 0.
 *
 * Example: await moveTag(ctx, 'long_hair', 'very_long_hair')   // resolves the posts moved by this run
 */
import type { CommandContext } from './context';
import { ensureTags, lookupTags, withImpliedTags } from '../../../db/tag.repository';
import { changePostsInChunks } from './post-tags';
import { moveRelationships } from './relationships';

export async function moveTag(ctx: CommandContext, from: string, to: string): Promise<number> {
  const source = (await lookupTags(ctx.db, [from])).get(from);
  await ctx.db.$transaction(async (tx) => {
    await ensureTags(tx, [to], source?.category ?? 'general');
    if (source && source.category !== 'general') {
      await tx.$executeRawUnsafe(
        `UPDATE tags SET category = $2::tag_category, updated_at = now() WHERE name = $1 AND category = 'general'`,
        to,
        source.category,
      );
    }
    await moveRelationships(tx, from, to);
  });
  if (!source) return 0;
  const added = (await withImpliedTags(ctx.db, [to])).filter((name) => name !== from);
  const ids = await ensureTags(ctx.db, added);
  const target = ids.get(to) ?? 0;
  return changePostsInChunks(
    ctx,
    { driver: source.id, include: [], exclude: [] },
    {
      add: added.map((name) => ids.get(name) ?? 0).filter((id) => id > 0 && id !== target),
      remove: [],
      replace: { from: source.id, to: target },
    },
  );
}
