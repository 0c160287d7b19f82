/**
 * Posts for the web app: a page of posts, one post, and replacing a post's tags. Tags live in
 * post_tags (see prisma/schema.prisma); the tag string shown is computed from them
 * (app/db/post.repository.ts), as are the edits.
 *
 * Steps of updateTags: split the input on whitespace and normalize each name (NFC, lower case,
 * app/services/bulk-update-request/tag-name.ts), drop duplicates; the tags typed that the post
 * lacks are added, the post's tags not typed are removed, through Danbooru's tag rules
 * (app/services/tags/tag-edit.ts: aliases redirect, implied tags are added, invalid names and
 * deprecated tags are refused as a ValidationError naming them); then setPostTags, which creates
 * missing tags and keeps tags.post_count right, and the post's cached per-category tag counts.
 *
 * Example: await posts.updateTags(1, 'Smile  1girl smile')  // tags ['1girl', 'smile']
 *          // with the alias kitty -> cat and the implication cat -> animal:
 *          await posts.updateTags(1, 'kitty')                // tags ['animal', 'cat']
 */
import type { AppPrismaClient } from '../../db/client';
import { refreshPostTagCounts } from '../../db/post-counts.repository';
import { setPostTags, tagNamesByPost, tagString } from '../../db/post.repository';
import { normalizeTagName } from '../../services/bulk-update-request/tag-name';
import { markPostForDeletion, RecordNotFoundError } from '../../services/deletion/index';
import { resolveTagEdit, TagEditError } from '../../services/tags/tag-edit';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { isRecordId } from '../../db/record-id';

/** Posts on one page of the list. @defaultValue 20 */
export const POSTS_PER_PAGE = 20;
/** Most tags on one post. @defaultValue 1000 */
export const MAX_TAGS = 1000;

export interface PostWithTags {
  id: number;
  md5: string | null;
  score: number;
  favCount: number;
  /** Set when the post was marked for deletion: the deleter removes it soon. */
  deletionRequestedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  uploader: { id: number; name: string } | null;
  tags: string[];
  tagString: string;
}

export function parseTagInput(input: string): string[] {
  return [...new Set(input.split(/\s+/).filter(Boolean).map(normalizeTagName))].sort();
}

const select = {
  id: true,
  md5: true,
  score: true,
  favCount: true,
  deletionRequestedAt: true,
  createdAt: true,
  updatedAt: true,
  uploader: { select: { id: true, name: true } },
} as const;

export class PostsService {
  constructor(private readonly db: AppPrismaClient) {}

  private async withTags<T extends { id: number }>(
    posts: T[],
  ): Promise<Array<T & { tags: string[]; tagString: string }>> {
    const tags = await tagNamesByPost(
      this.db,
      posts.map((p) => p.id),
    );
    return posts.map((post) => {
      const names = tags.get(post.id) ?? [];
      return { ...post, tags: names, tagString: tagString(names) };
    });
  }

  async list(page = 1, perPage = POSTS_PER_PAGE) {
    const current = Number.isInteger(page) && page >= 1 ? page : 1;
    const [posts, total] = await Promise.all([
      this.db.post.findMany({
        orderBy: { id: 'desc' },
        skip: (current - 1) * perPage,
        take: perPage,
        select,
      }),
      this.db.post.count(),
    ]);
    return { posts: await this.withTags(posts), total, page: current, perPage };
  }

  async find(id: number): Promise<PostWithTags> {
    const post = isRecordId(id) ? await this.db.post.findUnique({ where: { id }, select }) : null;
    if (!post) throw new NotFoundError(`no post ${id}`);
    const [withTags] = await this.withTags([post]);
    return withTags ?? { ...post, tags: [], tagString: '' };
  }

  /**
   * Marks the post for deletion (moderators; app/services/deletion): one UPDATE, so the request
   * returns at once; the deleter on the worker side removes its files and row later.
   */
  async markForDeletion(
    id: number,
    requestedBy: number,
  ): Promise<{ id: number; marked: boolean; deletionRequestedAt: Date }> {
    try {
      const result = await markPostForDeletion(this.db, id, { requestedBy });
      return { id, marked: result.marked, deletionRequestedAt: result.deletionRequestedAt };
    } catch (error) {
      if (error instanceof RecordNotFoundError) throw new NotFoundError(`no post ${id}`);
      throw error;
    }
  }

  async updateTags(id: number, input: unknown): Promise<PostWithTags> {
    if (typeof input !== 'string') throw new ValidationError({ tagString: 'Tags are required' });
    const names = parseTagInput(input);
    if (names.length > MAX_TAGS)
      throw new ValidationError({ tagString: `A post can have at most ${MAX_TAGS} tags` });
    const post = await this.find(id);
    if (post.deletionRequestedAt) throw new ConflictError(`post #${id} is being deleted`);
    const typed = new Set(names);
    const current = new Set(post.tags);
    let tags: string[];
    try {
      const edit = await resolveTagEdit(this.db, {
        current: post.tags,
        add: names.filter((name) => !current.has(name)),
        remove: post.tags.filter((name) => !typed.has(name)),
      });
      tags = edit.tags ?? names;
    } catch (error) {
      if (error instanceof TagEditError) throw new ValidationError({ tagString: error.message });
      throw error;
    }
    if (tags.length > MAX_TAGS)
      throw new ValidationError({ tagString: `A post can have at most ${MAX_TAGS} tags` });
    await setPostTags(this.db, id, tags);
    await refreshPostTagCounts(this.db, [id]);
    return this.find(id);
  }
}
