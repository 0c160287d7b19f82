/**
 * A tag edit of one post: the one path every change of a post's tags goes through, from the web
 * (post edit) and from jobs (ProcessUploadJob creating a post with the uploader's tags), so Danbooru's
 * tag rules (app/services/tags/tag-edit.ts: aliases redirect, implied tags are added, invalid names
 * and deprecated tags are refused) apply to both the same way.
 *
 * Steps of editPostTags: split the input on whitespace, normalize each name (NFC, lower case,
 * app/services/bulk-update-request/tag-name.ts) and drop duplicates; refuse more than MAX_TAGS; the
 * typed tags the post lacks are added and the post's tags not typed are removed, through
 * resolveTagEdit (InvalidTagEditError naming the refused tags and the rule); then setPostTags
 * (app/db/post.repository.ts), which creates missing tags and keeps tags.post_count right, and the
 * post's cached per-category tag counts. Resolves the post's tags, sorted.
 *
 * Example:
 *   await editPostTags(prisma(), post.id, 'Smile  1girl smile')   // ['1girl', 'smile']
 *   await editPostTags(prisma(), post.id, 'kitty')                // alias kitty -> cat, cat -> animal: ['animal', 'cat']
 *   await editPostTags(prisma(), post.id, '-oops')                // throws InvalidTagEditError
 */
import type { AppPrismaClient } from '../../db/client';
import { refreshPostTagCounts } from '../../db/post-counts.repository';
import { setPostTags, tagNamesByPost } from '../../db/post.repository';
import { normalizeTagName } from '../bulk-update-request/tag-name';
import { resolveTagEdit, TagEditError } from '../tags/tag-edit';

/** Most tags on one post. @defaultValue 1000 */
export const MAX_TAGS = 1000;

/** The tags given cannot be stored; the message says which tag and why. */
export class InvalidTagEditError extends Error {
  override name = 'InvalidTagEditError';
}

/** Names in a tag string: normalized, without duplicates, sorted. */
export function parseTagInput(input: string): string[] {
  return [...new Set(input.split(/\s+/).filter(Boolean).map(normalizeTagName))].sort();
}

type TagReadClient = Pick<AppPrismaClient, '$queryRawUnsafe'>;
type TagEditClient = Pick<
  AppPrismaClient,
  '$queryRaw' | '$executeRaw' | '$queryRawUnsafe' | '$executeRawUnsafe' | '$transaction'
>;

/** The post's tags after changing `current` to the tags of `input` (every rule applied). Reads only. */
async function resolvedTags(
  client: TagReadClient,
  current: readonly string[],
  input: string,
): Promise<string[]> {
  const names = parseTagInput(input);
  if (names.length > MAX_TAGS) throw new InvalidTagEditError(`A post can have at most ${MAX_TAGS} tags`);
  const typed = new Set(names);
  const had = new Set(current);
  let tags: string[];
  try {
    const edit = await resolveTagEdit(client, {
      current,
      add: names.filter((name) => !had.has(name)),
      remove: current.filter((name) => !typed.has(name)),
    });
    tags = edit.tags ?? names;
  } catch (error) {
    if (error instanceof TagEditError) throw new InvalidTagEditError(error.message);
    throw error;
  }
  if (tags.length > MAX_TAGS) throw new InvalidTagEditError(`A post can have at most ${MAX_TAGS} tags`);
  return tags;
}

/** The tags a new post with `input` would get, or InvalidTagEditError (the upload request checks this). */
export function checkTagEdit(client: TagReadClient, input: string): Promise<string[]> {
  return resolvedTags(client, [], input);
}

/** Replaces the tags of post `postId` with the tags of `input` (see the steps above). */
export async function editPostTags(client: TagEditClient, postId: number, input: string): Promise<string[]> {
  const current = (await tagNamesByPost(client, [postId])).get(postId) ?? [];
  const tags = await resolvedTags(client, current, input);
  const stored = await setPostTags(client, postId, tags);
  await refreshPostTagCounts(client, [postId]);
  return stored;
}
