/**
 * A new post from a processed upload, with the uploader's tags: the upload path's tag edit, through
 * the same rules as a post edit (app/services/tags/tag-edit.ts: aliases redirect, implied tags are
 * added, invalid names and deprecated tags are refused).
 *
 * Steps of createPostWithTags(db, { uploaderId, md5, tagString }):
 *   1. split the tag string on whitespace and resolve it as an edit of a post with no tags
 *      (TagEditError when a tag is refused: nothing is written);
 *   2. ONE transaction: create the post, write its tags (missing tags created, tags.post_count
 *      moved) and its cached per-category tag counts.
 *
 * Example:
 *   const { post, tags } = await createPostWithTags(prisma(), { uploaderId: 3, md5: 'ab12...', tagString: 'kitty smile' });
 *   // with kitty -> cat and cat -> animal: tags ['animal', 'cat', 'smile']
 */
import type { AppPrismaClient } from '../../db/client';
import type { Post } from '../../db/generated/client';
import { refreshPostTagCounts } from '../../db/post-counts.repository';
import { writePostTags } from '../../db/post.repository';
import { resolveTagEdit } from '../tags/tag-edit';

export interface NewPostInput {
  uploaderId: number | null;
  md5: string | null;
  /** The uploader's tags, space separated, as typed. */
  tagString: string;
}

export async function createPostWithTags(
  db: AppPrismaClient,
  input: NewPostInput,
): Promise<{ post: Post; tags: string[] }> {
  const edit = await resolveTagEdit(db, { current: [], add: input.tagString.split(/\s+/).filter(Boolean) });
  const tags = edit.tags ?? [];
  const post = await db.$transaction(async (tx) => {
    const created = await tx.post.create({ data: { uploaderId: input.uploaderId, md5: input.md5 } });
    await writePostTags(tx, created.id, tags);
    await refreshPostTagCounts(tx, [created.id]);
    return created;
  });
  return { post, tags };
}
