/**
 * `category T -> C`, `deprecate T`, `undeprecate T`: one row of tags each, changed in the
 * transaction that marks the line done (so the change and its mod action go together).
 *
 * Mod actions: tag_category_change "changed the category of [[t]] from general to artist",
 * tag_deprecate "deprecated [[t]]", tag_undeprecate "undeprecated [[t]]".
 * As Danbooru's commands do when they run: a tag that is gone by then is created (category with the
 * new category; deprecate and undeprecate as general); a category line that finds the tag already
 * in that category changes nothing; deprecating takes every live alias TO the tag and every live
 * implication from or to it out of force (status deleted; aliases FROM it stay, posts keep their
 * tags), the same transaction as the flag; undeprecating restores none of them.
 * A category line that sets a new category stages UpdateTagCategoryPostCountsJob(tag) (default
 * queue) in the same transaction (the job outbox), which recomputes the cached per-category tag
 * counts of the tag's posts, as the web app's changeTagCategory does.
 *
 * Example: const finish = await changeCategory(ctx, 'kantai_collection', 'copyright')
 */
import { UpdateTagCategoryPostCountsJob } from '../../../../jobs/update-tag-category-post-counts.job';
import type { TagCategoryName } from '../types';
import { ensureTags } from '../../../db/tag.repository';
import { link, type CommandContext, type Finish } from './context';
import { deleteRelationshipsOfDeprecated } from './relationships';

export function changeCategory(
  _ctx: CommandContext,
  name: string,
  category: TagCategoryName,
): Promise<Finish> {
  return Promise.resolve(async (tx) => {
    await ensureTags(tx, [name], category);
    const rows = await tx.$queryRawUnsafe<Array<{ before: string }>>(
      `UPDATE tags t SET category = $2::tag_category, updated_at = now()
       FROM (SELECT id, category::text AS before FROM tags WHERE name = $1 FOR UPDATE) old
       WHERE t.id = old.id
       RETURNING old.before`,
      name,
      category,
    );
    const before = rows[0]?.before ?? category;
    // The posts' cached per-category counts, as changeTagCategory (app/services/tags) does, staged
    // in the line's finishing transaction (the job outbox).
    if (before !== category)
      await UpdateTagCategoryPostCountsJob.inTransaction(tx).performLater(
        await tx.tag.findUniqueOrThrow({ where: { name } }),
      );
    return {
      category: 'tag_category_change',
      description: `changed the category of ${link(name)} from ${before} to ${category}`,
    };
  });
}

export function setDeprecated(_ctx: CommandContext, name: string, deprecated: boolean): Promise<Finish> {
  return Promise.resolve(async (tx) => {
    await ensureTags(tx, [name]);
    await tx.$executeRawUnsafe(
      'UPDATE tags SET is_deprecated = $2, updated_at = now() WHERE name = $1',
      name,
      deprecated,
    );
    if (deprecated) await deleteRelationshipsOfDeprecated(tx, name);
    return deprecated
      ? { category: 'tag_deprecate', description: `deprecated ${link(name)}` }
      : { category: 'tag_undeprecate', description: `undeprecated ${link(name)}` };
  });
}
