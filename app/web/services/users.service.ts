/**
 * Users for the web app: a page of users and one user with their recent posts. Never returns
 * password hashes (every query selects its fields).
 *
 * Example: const { users } = await usersService.list(1)
 */
import type { AppPrismaClient } from '../../db/client';
import { tagNamesByPost, tagString } from '../../db/post.repository';
import { NotFoundError } from '../errors';

/** Users on one page of the list. @defaultValue 50 */
export const USERS_PER_PAGE = 50;

export const PUBLIC_USER_FIELDS = { id: true, name: true, level: true, createdAt: true } as const;

export class UsersService {
  constructor(private readonly db: AppPrismaClient) {}

  async list(page = 1, perPage = USERS_PER_PAGE) {
    const current = Number.isInteger(page) && page >= 1 ? page : 1;
    const [users, total] = await Promise.all([
      this.db.user.findMany({
        orderBy: { id: 'asc' },
        skip: (current - 1) * perPage,
        take: perPage,
        select: { ...PUBLIC_USER_FIELDS, _count: { select: { posts: true } } },
      }),
      this.db.user.count(),
    ]);
    return { users: users.map(({ _count, ...u }) => ({ ...u, postCount: _count.posts })), total, page: current, perPage };
  }

  async find(id: number) {
    const user = Number.isSafeInteger(id)
      ? await this.db.user.findUnique({
          where: { id },
          select: {
            ...PUBLIC_USER_FIELDS,
            _count: { select: { posts: true } },
            posts: { orderBy: { id: 'desc' }, take: 10, select: { id: true, score: true } },
          },
        })
      : null;
    if (!user) throw new NotFoundError(`no user ${id}`);
    const { _count, posts, ...rest } = user;
    const tags = await tagNamesByPost(this.db, posts.map((p) => p.id));
    return { ...rest, postCount: _count.posts, posts: posts.map((p) => ({ ...p, tagString: tagString(tags.get(p.id) ?? []) })) };
  }
}
