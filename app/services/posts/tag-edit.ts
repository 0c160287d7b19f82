/**
 * A tag edit of one post: the one path every change of a post's tags goes through, from the web
 * (post edit) and from jobs (ProcessUploadJob creating a post with the uploader's tags), so a rule
 * added here (aliases, implications, deprecations) applies to both.
 *
 * Steps of editPostTags: split the input on whitespace, normalize each name (NFC, lower case,
 * app/services/bulk-update-request/tag-name.ts) and drop duplicates; refuse more than MAX_TAGS;
 * check each name by the rules for existing tags when the tag exists and for new tags otherwise
 * (InvalidTagEditError naming the first bad one); then setPostTags (app/db/post.repository.ts),
 * which creates missing tags and keeps post counts right. Resolves the post's tags, sorted.
 *
 * Example:
 *   await editPostTags(prisma(), post.id, 'Smile  1girl smile')   // ['1girl', 'smile']
 *   await editPostTags(prisma(), post.id, '-oops')                // throws InvalidTagEditError
 */
import type { AppPrismaClient } from '../../db/client';
import { setPostTags } from '../../db/post.repository';
import { checkTagName, normalizeTagName } from '../bulk-update-request/tag-name';

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

type TagEditClient = Pick<AppPrismaClient, 'tag' | '$transaction'>;

/** The names of `input` after every check, or InvalidTagEditError. Reads only. */
export async function checkTagEdit(client: Pick<AppPrismaClient, 'tag'>, input: string): Promise<string[]> {
  const names = parseTagInput(input);
  if (names.length > MAX_TAGS) throw new InvalidTagEditError(`A post can have at most ${MAX_TAGS} tags`);
  const existing = new Set(
    (await client.tag.findMany({ where: { name: { in: names } }, select: { name: true } })).map(
      (t) => t.name,
    ),
  );
  for (const name of names) {
    const problem = checkTagName(name, existing.has(name) ? 'existing' : 'new');
    if (problem) throw new InvalidTagEditError(problem.message);
  }
  return names;
}

/** Replaces the tags of post `postId` with the tags of `input` (see the steps above). */
export async function editPostTags(client: TagEditClient, postId: number, input: string): Promise<string[]> {
  const names = await checkTagEdit(client, input);
  return setPostTags(client, postId, names);
}
