/**
 * Posts for the web app: a page of posts, one post, and replacing a post's tags. Tags live in
 * post_tags (see prisma/schema.prisma); the tag string shown is computed from them
 * (app/db/post.repository.ts), as are the edits.
 *
 * Steps of updateTags: refuse a post being deleted (ConflictError), then editPostTags
 * (app/services/posts/tag-edit.ts, the path uploads take too: Danbooru's tag rules, aliases redirect
 * and implied tags are added), its InvalidTagEditError becoming a ValidationError on tagString.
 *
 * Example: await posts.updateTags(1, 'Smile  1girl smile')  // tags ['1girl', 'smile']
 *          // with the alias kitty -> cat and the implication cat -> animal:
 *          await posts.updateTags(1, 'kitty')                // tags ['animal', 'cat']
 */
import type { AppPrismaClient } from '../../db/client';
import type { SqlReader } from '../../db/deletion.repository';
import type { PostRating } from '../../db/generated/enums';
import { postTagDetails, tagNamesByPost, tagString, type PostTagDetail } from '../../db/post.repository';
import { postFileUrls, type PostFileUrls } from '../../services/posts/post-files';
import { searchPosts, SearchQueryError } from '../../services/posts/search/index';
import { editPostTags, InvalidTagEditError } from '../../services/posts/tag-edit';
import { markPostForDeletion, RecordNotFoundError } from '../../services/deletion/index';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { isRecordId } from '../../db/record-id';

/** Posts on one page of the list. @defaultValue 20 */
export const POSTS_PER_PAGE = 20;

export interface PostWithTags {
  id: number;
  md5: string | null;
  score: number;
  favCount: number;
  rating: PostRating;
  fileExt: string | null;
  imageWidth: number | null;
  imageHeight: number | null;
  fileSize: number | null;
  /** Where its image is served; undefined for a post without a file. */
  files: PostFileUrls | undefined;
  /** Set when the post was marked for deletion: the deleter removes it soon. */
  deletionRequestedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  uploader: { id: number; name: string } | null;
  tags: string[];
  tagString: string;
}

/** One page of a search. */
export interface PostsPage {
  posts: PostWithTags[];
  total: number;
  totalIsExact: boolean;
  page: number;
  perPage: number;
  /** The search as written back (canonical), '' for none. */
  tags: string;
}

const select = {
  id: true,
  md5: true,
  score: true,
  favCount: true,
  rating: true,
  fileExt: true,
  imageWidth: true,
  imageHeight: true,
  fileSize: true,
  deletionRequestedAt: true,
  createdAt: true,
  updatedAt: true,
  uploader: { select: { id: true, name: true } },
} as const;

export class PostsService {
  constructor(
    private readonly db: AppPrismaClient,
    /** Searches run on plain node-postgres (app/db/post-search.repository.ts says why). */
    private readonly reader: SqlReader,
  ) {}

  private async withTags<T extends { id: number; fileExt: string | null }>(
    posts: T[],
  ): Promise<Array<T & { tags: string[]; tagString: string; files: PostFileUrls | undefined }>> {
    const tags = await tagNamesByPost(
      this.db,
      posts.map((p) => p.id),
    );
    return posts.map((post) => {
      const names = tags.get(post.id) ?? [];
      return { ...post, tags: names, tagString: tagString(names), files: postFileUrls(post) };
    });
  }

  /** A page of the posts matching `tags` (Danbooru's syntax; app/services/posts/search). */
  async list(tags: string | undefined, page = 1, perPage = POSTS_PER_PAGE): Promise<PostsPage> {
    const current = Number.isInteger(page) && page >= 1 ? page : 1;
    let result;
    try {
      result = await searchPosts(this.reader, tags, { page: current, perPage });
    } catch (error) {
      if (error instanceof SearchQueryError) throw new ValidationError({ tags: error.message });
      throw error;
    }
    const rows = await this.db.post.findMany({ where: { id: { in: result.ids } }, select });
    const byId = new Map(rows.map((row) => [row.id, row]));
    const posts = result.ids.flatMap((id) => byId.get(id) ?? []);
    return {
      posts: await this.withTags(posts),
      total: result.total,
      totalIsExact: result.totalIsExact,
      page: current,
      perPage,
      tags: result.query,
    };
  }

  async find(id: number): Promise<PostWithTags> {
    const post = isRecordId(id) ? await this.db.post.findUnique({ where: { id }, select }) : null;
    if (!post) throw new NotFoundError(`no post ${id}`);
    const [withTags] = await this.withTags([post]);
    return withTags ?? { ...post, tags: [], tagString: '', files: postFileUrls(post) };
  }

  /** The post's tags with category and post count (the post page groups them by category). */
  tagDetails(id: number): Promise<PostTagDetail[]> {
    return postTagDetails(this.db, id);
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
    const post = await this.find(id);
    if (post.deletionRequestedAt) throw new ConflictError(`post #${id} is being deleted`);
    try {
      await editPostTags(this.db, id, input);
    } catch (error) {
      if (error instanceof InvalidTagEditError) throw new ValidationError({ tagString: error.message });
      throw error;
    }
    return this.find(id);
  }
}
