/**
 * Favorites for the web app: favorite and unfavorite a post (posts.fav_count moves in the same
 * statement, app/db/favorite.repository.ts), whether a user favorited a post, and a user's
 * favorites, newest first.
 *
 * Example: await favorites.add(user.id, 12)   // true; false when it already was a favorite
 */
import type { AppPrismaClient } from '../../db/client';
import { addFavorite, removeFavorite } from '../../db/favorite.repository';
import { NotFoundError } from '../errors';
import { PUBLIC_USER_FIELDS } from './users.service';
import { isRecordId } from '../../db/record-id';
import { POST_CARD_FIELDS, toPostCards } from './post-cards';

/** Favorites on one page of a user's list. @defaultValue 20 */
export const FAVORITES_PER_PAGE = 20;

export class FavoritesService {
  constructor(private readonly db: AppPrismaClient) {}

  private async post(postId: number): Promise<{ id: number; favCount: number }> {
    const post = isRecordId(postId)
      ? await this.db.post.findUnique({ where: { id: postId }, select: { id: true, favCount: true } })
      : null;
    if (!post) throw new NotFoundError(`no post ${postId}`);
    return post;
  }

  /** Resolves whether a favorite was added, and the post's favorite count after. */
  async add(userId: number, postId: number): Promise<{ changed: boolean; favCount: number }> {
    await this.post(postId);
    const changed = await addFavorite(this.db, userId, postId);
    return { changed, favCount: (await this.post(postId)).favCount };
  }

  async remove(userId: number, postId: number): Promise<{ changed: boolean; favCount: number }> {
    await this.post(postId);
    const changed = await removeFavorite(this.db, userId, postId);
    return { changed, favCount: (await this.post(postId)).favCount };
  }

  async isFavorite(userId: number | undefined, postId: number): Promise<boolean> {
    if (userId === undefined) return false;
    return (await this.db.favorite.count({ where: { userId, postId } })) > 0;
  }

  async listForUser(userId: number, page = 1, perPage = FAVORITES_PER_PAGE) {
    const user = isRecordId(userId)
      ? await this.db.user.findUnique({ where: { id: userId }, select: PUBLIC_USER_FIELDS })
      : null;
    if (!user) throw new NotFoundError(`no user ${userId}`);
    const current = Number.isInteger(page) && page >= 1 ? page : 1;
    const [favorites, total] = await Promise.all([
      this.db.favorite.findMany({
        where: { userId },
        orderBy: { id: 'desc' },
        skip: (current - 1) * perPage,
        take: perPage,
        select: { createdAt: true, post: { select: POST_CARD_FIELDS } },
      }),
      this.db.favorite.count({ where: { userId } }),
    ]);
    return {
      user,
      posts: await toPostCards(
        this.db,
        favorites.map((f) => ({ ...f.post, favoritedAt: f.createdAt })),
      ),
      total,
      page: current,
      perPage,
    };
  }
}
