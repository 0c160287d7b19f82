/**
 * Deleting a user account, Danbooru's UserDeletion adapted: the users row stays (posts, bans, mod
 * actions and BURs keep pointing at it) and is marked; what belongs to the user alone is removed by
 * a job.
 *
 * Steps of deleteUser, in one transaction: set users.deletion_requested_at (unless already set),
 * clear the password hash (no more sign-in) and the mail address (no more mail), record a
 * `user_delete` mod action (creator: the actor, else the user), and enqueue DeleteFavoritesJob(user)
 * on the default queue in the same transaction (the job outbox: the mark and its job commit
 * together). Also when the user was already marked, so calling deleteUser again runs the job again
 * after it failed for good (it is unique per user while queued).
 * The web app should treat a user with deletionRequestedAt as signed out.
 *
 * Example (web controller, after checking the password or the moderator's level):
 *   const { user, job } = await deleteUser(prisma(), currentUser);
 *   await deleteUser(prisma(), target, { actor: moderator });
 */
import type { AppPrismaClient } from '../../db/client';
import type { User } from '../../db/generated/client';
import { logModAction } from '../../db/mod-action.repository';
import { transaction } from '../../framework/index';
import { DeleteFavoritesJob } from '../../../jobs/delete-favorites.job';

export interface DeleteUserOptions {
  /** Who deletes the account (a moderator); default the user themself. */
  actor?: { id: number } | null;
  /** @defaultValue new Date() */
  now?: Date;
}

export interface DeleteUserResult {
  /** The user as stored after the deletion mark. */
  user: User;
  /** false: the user had been marked before; nothing was logged again. */
  marked: boolean;
  /** The enqueued DeleteFavoritesJob. */
  job: DeleteFavoritesJob;
}

export class UserNotFoundError extends Error {
  override name = 'UserNotFoundError';
}

/** What deleteUserInTransaction needs of the transaction client. */
export type UserDeletionTx = Parameters<Parameters<AppPrismaClient['$transaction']>[0]>[0];

/** deleteUser inside the caller's transaction `tx` (e.g. with markUserContentInTransaction). */
export async function deleteUserInTransaction(
  tx: UserDeletionTx,
  user: { id: number },
  options: DeleteUserOptions = {},
): Promise<DeleteUserResult> {
  const now = options.now ?? new Date();
  const result = await tx.user.updateMany({
    where: { id: user.id, deletionRequestedAt: null },
    data: { deletionRequestedAt: now, passwordHash: null, email: null },
  });
  const stored = await tx.user.findUnique({ where: { id: user.id } });
  if (!stored) throw new UserNotFoundError(`no user ${user.id}`);
  if (result.count === 1) {
    await logModAction(tx, {
      creatorId: options.actor?.id ?? user.id,
      category: 'user_delete',
      description: `deleted user #${user.id}`,
      subject: { type: 'User', id: user.id },
    });
  }
  const job = await DeleteFavoritesJob.inTransaction(tx).performLater(stored);
  return { user: stored, marked: result.count === 1, job };
}

export function deleteUser(
  client: Pick<AppPrismaClient, '$transaction'>,
  user: { id: number },
  options: DeleteUserOptions = {},
): Promise<DeleteUserResult> {
  return transaction(client, (tx) => deleteUserInTransaction(tx, user, options));
}
