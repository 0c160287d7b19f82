/**
 * Users for the web app: a page of users, one user with their recent posts, and deleting an
 * account (admins). Never returns password hashes or mail addresses (every query selects its
 * fields).
 *
 * Steps of delete(id, actor, { content }): refuse an admin account (403: demote it first);
 * in one transaction, deleteUserInTransaction (app/services/users/user-deletion.ts) marks the user
 * deleted, clears the password and mail, logs a mod action and stages DeleteFavoritesJob; with
 * `content`, also markUserContentInTransaction (app/services/deletion): the user's posts and
 * uploads are marked (the first thousand of each at once, the rest by a staged
 * MarkUserContentForDeletionJob) for the deleter. The account, its content marks and their jobs
 * commit together (the job outbox); the marked records are announced after the commit. The
 * request returns without waiting for any job.
 *
 * Example: const { jobId } = await usersService.delete(7, currentUser)
 */
import type { AppPrismaClient } from '../../db/client';
import { POST_CARD_FIELDS, toPostCards } from './post-cards';
import {
  announceUserContentMarks,
  MARK_TRANSACTION_TIMEOUT_MS,
  markUserContentInTransaction,
} from '../../services/deletion/index';
import { deleteUserInTransaction } from '../../services/users/user-deletion';
import { transaction } from '../../framework/index';
import { ForbiddenError, NotFoundError } from '../errors';
import { isRecordId } from '../../db/record-id';

/** Users on one page of the list. @defaultValue 50 */
export const USERS_PER_PAGE = 50;

export const PUBLIC_USER_FIELDS = { id: true, name: true, level: true, createdAt: true } as const;
const WITH_DELETION = { ...PUBLIC_USER_FIELDS, deletionRequestedAt: true } as const;

function publicUser<T extends { deletionRequestedAt: Date | null }>(
  user: T,
): Omit<T, 'deletionRequestedAt'> & { deleted: boolean } {
  const { deletionRequestedAt, ...rest } = user;
  return { ...rest, deleted: deletionRequestedAt !== null };
}

export class UsersService {
  constructor(private readonly db: AppPrismaClient) {}

  async list(page = 1, perPage = USERS_PER_PAGE) {
    const current = Number.isInteger(page) && page >= 1 ? page : 1;
    const [users, total] = await Promise.all([
      this.db.user.findMany({
        orderBy: { id: 'asc' },
        skip: (current - 1) * perPage,
        take: perPage,
        select: { ...WITH_DELETION, _count: { select: { posts: true, favorites: true } } },
      }),
      this.db.user.count(),
    ]);
    return {
      users: users.map(({ _count, ...u }) => ({
        ...publicUser(u),
        postCount: _count.posts,
        favoriteCount: _count.favorites,
      })),
      total,
      page: current,
      perPage,
    };
  }

  async find(id: number) {
    const user = isRecordId(id)
      ? await this.db.user.findUnique({
          where: { id },
          select: {
            ...WITH_DELETION,
            _count: { select: { posts: true, favorites: true } },
            posts: { orderBy: { id: 'desc' }, take: 10, select: POST_CARD_FIELDS },
          },
        })
      : null;
    if (!user) throw new NotFoundError(`no user ${id}`);
    const { _count, posts, ...rest } = user;
    const cards = await toPostCards(this.db, posts);
    return {
      ...publicUser(rest),
      postCount: _count.posts,
      favoriteCount: _count.favorites,
      posts: cards,
    };
  }

  /** Deletes user `id` on behalf of `actor` (an admin); resolves once the jobs are enqueued. */
  async delete(id: number, actor: { id: number }, options: { content?: boolean } = {}) {
    const target = isRecordId(id)
      ? await this.db.user.findUnique({ where: { id }, select: { id: true, name: true, level: true } })
      : null;
    if (!target) throw new NotFoundError(`no user ${id}`);
    if (target.level === 'admin')
      throw new ForbiddenError(`${target.name} is an admin: demote the account before deleting it`);
    const marks = { requestedBy: actor.id };
    // One scope: the account, the marks and both jobs commit together, the jobs in one statement.
    const { marked, job, staged } = await transaction(
      this.db,
      async (tx) => ({
        ...(await deleteUserInTransaction(tx, target, { actor })),
        staged: options.content ? await markUserContentInTransaction(tx, target.id, marks) : undefined,
      }),
      { timeout: MARK_TRANSACTION_TIMEOUT_MS },
    );
    if (staged) await announceUserContentMarks(staged, marks);
    const content = staged?.result;
    return {
      id: target.id,
      name: target.name,
      marked,
      jobId: job.jobId,
      jobClass: job.jobClassName,
      ...(content
        ? { content: { marked: content.marked, complete: content.complete, jobId: content.jobId ?? null } }
        : {}),
    };
  }
}
