/**
 * Changing a tag's category (the web app's tag edit form; BUR `category` lines run their own
 * statement and may enqueue the same job).
 *
 * Steps of changeTagCategory, in one transaction: lock the tag row (SELECT ... FOR UPDATE) and read
 * its category; when it differs, set the new one and record a
 * `tag_category_change` mod action "changed the category of [[name]] from general to artist", and
 * enqueue UpdateTagCategoryPostCountsJob(tag) on the default queue in the same transaction (the job
 * outbox), which recomputes the per-category tag counts of the tag's posts.
 *
 * Example:
 *   const { tag, changed } = await changeTagCategory(prisma(), 'kantai_collection', 'copyright', { actor: moderator });
 */
import type { AppPrismaClient } from '../../db/client';
import type { Tag, TagCategory } from '../../db/generated/client';
import { logModAction } from '../../db/mod-action.repository';
import { transaction } from '../../framework/index';
import { UpdateTagCategoryPostCountsJob } from '../../../jobs/update-tag-category-post-counts.job';

export class TagNotFoundError extends Error {
  override name = 'TagNotFoundError';
}

export interface ChangeTagCategoryResult {
  tag: Tag;
  /** The category before; equal to tag.category when nothing changed. */
  previous: TagCategory;
  changed: boolean;
  /** The enqueued UpdateTagCategoryPostCountsJob, when the category changed. */
  job?: UpdateTagCategoryPostCountsJob;
}

export async function changeTagCategory(
  client: Pick<AppPrismaClient, '$transaction' | 'tag'>,
  name: string,
  category: TagCategory,
  options: { actor?: { id: number } | null } = {},
): Promise<ChangeTagCategoryResult> {
  const { previous, job } = await transaction(client, async (tx) => {
    const rows = await tx.$queryRaw<Array<{ id: number; before: TagCategory }>>`
      SELECT id, category::text AS before FROM tags WHERE name = ${name} FOR UPDATE`;
    const row = rows[0];
    if (!row) throw new TagNotFoundError(`the tag '${name}' doesn't exist`);
    if (row.before !== category) {
      const updated = await tx.tag.update({ where: { id: row.id }, data: { category } });
      await logModAction(tx, {
        creatorId: options.actor?.id ?? null,
        category: 'tag_category_change',
        description: `changed the category of [[${name}]] from ${row.before} to ${category}`,
        subject: { type: 'Tag', id: row.id },
      });
      return {
        previous: row.before,
        job: await UpdateTagCategoryPostCountsJob.performLater(updated),
      };
    }
    return { previous: row.before, job: undefined };
  });
  const tag = await client.tag.findUniqueOrThrow({ where: { name } });
  if (!job) return { tag, previous, changed: false };
  return { tag, previous, changed: true, job };
}
