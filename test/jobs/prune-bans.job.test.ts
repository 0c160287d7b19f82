import { describe, expect, it } from 'vitest';
import { findActiveBan } from '../../app/db/ban.repository';
import { PruneBansJob } from '../../jobs/prune-bans.job';
import { testPrisma, useFreshDatabase } from '../support/database';
import { createUser, daysAgo, hoursAgo } from './fixtures';

const db = testPrisma();

useFreshDatabase();

describe('PruneBansJob', () => {
  it('lifts expired bans (kept as history, with a mod action) and keeps unexpired and permanent ones in force', async () => {
    const moderator = await createUser(db, 'mod', { level: 'moderator' });
    const [alice, bob, carol, dave] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((name) => createUser(db, name)),
    );
    const expired = [];
    for (const user of [alice!, bob!, alice!]) {
      expired.push(
        await db.ban.create({
          data: { userId: user.id, bannerId: moderator.id, reason: 'spam', expiresAt: hoursAgo(1) },
        }),
      );
    }
    const unexpired = await db.ban.create({
      data: { userId: carol!.id, reason: 'rude', expiresAt: new Date(Date.now() + 3 * 86_400_000) },
    });
    const permanent = await db.ban.create({ data: { userId: dave!.id, reason: 'bot', expiresAt: null } });
    const alreadyLifted = await db.ban.create({
      data: { userId: bob!.id, reason: 'old', expiresAt: daysAgo(30), liftedAt: daysAgo(29) },
    });

    expect(await PruneBansJob.performNow(2)).toEqual({ lifted: 3 });

    const bans = await db.ban.findMany({ orderBy: { id: 'asc' } });
    expect(bans).toHaveLength(6);
    for (const ban of expired) expect(bans.find((b) => b.id === ban.id)?.liftedAt).toBeInstanceOf(Date);
    expect(bans.find((b) => b.id === unexpired.id)?.liftedAt).toBeNull();
    expect(bans.find((b) => b.id === permanent.id)?.liftedAt).toBeNull();
    expect(bans.find((b) => b.id === alreadyLifted.id)?.liftedAt).toEqual(alreadyLifted.liftedAt);

    const actions = await db.modAction.findMany({ orderBy: { id: 'asc' } });
    expect(actions.map((a) => [a.category, a.creatorId, a.subjectType, a.subjectId, a.description])).toEqual([
      [
        'user_unban',
        null,
        'User',
        alice!.id,
        `ban #${expired[0]!.id} of user #${alice!.id} expired and was lifted`,
      ],
      [
        'user_unban',
        null,
        'User',
        bob!.id,
        `ban #${expired[1]!.id} of user #${bob!.id} expired and was lifted`,
      ],
      [
        'user_unban',
        null,
        'User',
        alice!.id,
        `ban #${expired[2]!.id} of user #${alice!.id} expired and was lifted`,
      ],
    ]);

    expect(await PruneBansJob.performNow()).toEqual({ lifted: 0 });
    expect(await db.modAction.count()).toBe(3);
  });

  it('finds the ban in force for a user: not lifted, and not expired even before the job ran', async () => {
    const erin = await createUser(db, 'erin');
    await db.ban.create({ data: { userId: erin.id, reason: 'past', expiresAt: hoursAgo(2) } });
    expect(await findActiveBan(db, erin.id)).toBeNull();
    const current = await db.ban.create({
      data: { userId: erin.id, reason: 'now', expiresAt: new Date(Date.now() + 3_600_000) },
    });
    expect((await findActiveBan(db, erin.id))?.id).toBe(current.id);
    const permanent = await db.ban.create({ data: { userId: erin.id, reason: 'forever' } });
    expect((await findActiveBan(db, erin.id))?.id).toBe(permanent.id);
    await db.ban.update({ where: { id: permanent.id }, data: { liftedAt: new Date() } });
    expect((await findActiveBan(db, erin.id))?.id).toBe(current.id);
  });
});
