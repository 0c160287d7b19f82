import { beforeAll, describe, expect, it } from 'vitest';
import { addFavorite } from '../../../app/db/favorite.repository';
import { installRecordLocator } from '../../../app/db/record-locator';
import { assertEnqueuedJobs, assertEnqueuedWith, performEnqueuedJobs } from '../../../app/framework/index';
import { deleteUser, UserNotFoundError } from '../../../app/services/users/user-deletion';
import { DeleteFavoritesJob } from '../../../jobs/delete-favorites.job';
import { testPrisma, useFreshDatabase } from '../../support/database';
import { createPost, createUser } from '../../jobs/fixtures';

const db = testPrisma();

beforeAll(() => installRecordLocator(db));
useFreshDatabase();

describe('deleteUser', () => {
  it('marks the user, clears password and mail address, logs the act and enqueues DeleteFavoritesJob', async () => {
    const alice = await createUser(db, 'alice', { passwordHash: 'scrypt$x', email: 'alice@example.com' });
    const moderator = await createUser(db, 'mod', { level: 'moderator' });
    const post = await createPost(db);
    await addFavorite(db, alice.id, post.id);
    const now = new Date('2025-06-01T12:00:00Z');

    const { user, marked } = await deleteUser(db, alice, { actor: moderator, now });

    expect(marked).toBe(true);
    expect(user).toMatchObject({
      id: alice.id,
      name: 'alice',
      deletionRequestedAt: now,
      passwordHash: null,
      email: null,
    });
    expect(
      await db.modAction.findMany({
        select: { creatorId: true, category: true, description: true, subjectType: true, subjectId: true },
      }),
    ).toEqual([
      {
        creatorId: moderator.id,
        category: 'user_delete',
        description: `deleted user #${alice.id}`,
        subjectType: 'User',
        subjectId: alice.id,
      },
    ]);
    const enqueued = assertEnqueuedWith({ job: DeleteFavoritesJob, queue: 'default' });
    expect(enqueued.job.serializedArguments).toEqual([{ _bl: 'Record', v: { model: 'User', id: alice.id } }]);

    await performEnqueuedJobs();
    expect(await db.favorite.count()).toBe(0);
    expect((await db.post.findUniqueOrThrow({ where: { id: post.id } })).favCount).toBe(0);
  });

  it('logs the act once when asked twice, and enqueues the job again (a lost job is recovered)', async () => {
    const bob = await createUser(db, 'bob');
    await deleteUser(db, bob);
    const again = await deleteUser(db, bob);
    expect(again.marked).toBe(false);
    expect(await db.modAction.count()).toBe(1);
    expect((await db.modAction.findFirstOrThrow()).creatorId).toBe(bob.id);
    assertEnqueuedJobs(2, { job: DeleteFavoritesJob });
  });

  it('refuses an unknown user and enqueues nothing', async () => {
    await expect(deleteUser(db, { id: 999 })).rejects.toThrow(UserNotFoundError);
    assertEnqueuedJobs(0);
  });
});
