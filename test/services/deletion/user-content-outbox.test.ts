/**
 * Marking a user's content through the job outbox (real PostgreSQL, the BullMQ adapter, no relay):
 * the inline marks and the follow-up MarkUserContentForDeletionJob commit in one transaction or
 * not at all, and the marked records are announced only after the commit. Deleting an account
 * with its content (UsersService.delete) is one transaction for the account, the marks and both
 * jobs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BullmqAdapter, configureBacklot, type BacklotEvent } from '../../../app/framework/index';
import {
  markUserContentForDeletion,
  markUserContentInTransaction,
} from '../../../app/services/deletion/index';
import { UsersService } from '../../../app/web/services/users.service';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';
import { useRedisPrefix } from '../../support/redis';

const db = testPrisma();
const staged = () =>
  db.$queryRawUnsafe<{ job_id: string; name: string }[]>('SELECT job_id, name FROM job_outbox ORDER BY id');
const markedPosts = () => db.post.count({ where: { deletionRequestedAt: { not: null } } });
const rollback = new Error('rolled back on purpose');

describe("a user's content marked through the job outbox", () => {
  const redis = useRedisPrefix('outbox-marks');
  let adapter: BullmqAdapter;
  let events: BacklotEvent[];

  beforeAll(() => {
    adapter = new BullmqAdapter({ connection: redis.connection(), prefix: redis.prefix });
  });
  beforeEach(async () => {
    await truncateAll();
    events = [];
    configureBacklot({ adapter, queues: ['default'], events: { publish: (event) => events.push(event) } });
  });
  afterAll(async () => {
    configureBacklot({ events: undefined });
    await adapter.close();
    await disconnectTestPrisma();
  });

  async function userWithPosts(name: string, posts: number) {
    const user = await db.user.create({ data: { name } });
    await db.post.createMany({ data: Array.from({ length: posts }, () => ({ uploaderId: user.id })) });
    return user;
  }

  it('stages the follow-up job in the marks’ own transaction, and announces after the commit', async () => {
    const user = await userWithPosts('many', 5);
    const result = await markUserContentForDeletion(db, user.id, { requestedBy: 1, inlineLimit: 2 });

    expect(result).toMatchObject({ complete: false, marked: { Upload: 0, Post: 2 } });
    expect(await staged()).toEqual([{ job_id: result.jobId, name: 'MarkUserContentForDeletionJob' }]);
    expect(await adapter.queue('default').getJob(result.jobId as string)).toBeUndefined();
    expect(await markedPosts()).toBe(2);
    expect(events.filter((e) => e.type === 'record.deletion_requested')).toHaveLength(2);
  });

  it('leaves no mark, no job and no event when the transaction rolls back', async () => {
    const user = await userWithPosts('rolled', 5);
    await expect(
      db.$transaction(async (tx) => {
        const marks = await markUserContentInTransaction(tx, user.id, { inlineLimit: 2 });
        expect(marks.result.jobId).toEqual(expect.any(String));
        throw rollback;
      }),
    ).rejects.toBe(rollback);

    expect(await markedPosts()).toBe(0);
    expect(await staged()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('deletes an account with its content in one transaction: the mark, the marks and both jobs', async () => {
    const user = await userWithPosts('leaving', 1_001);
    const admin = await db.user.create({ data: { name: 'admin', level: 'admin' } });
    const deleted = await new UsersService(db).delete(user.id, admin, { content: true });

    expect(deleted.content).toMatchObject({ complete: false, marked: { Post: 1_000 } });
    expect((await staged()).map((row) => [row.job_id, row.name])).toEqual([
      [deleted.jobId, 'DeleteFavoritesJob'],
      [deleted.content?.jobId, 'MarkUserContentForDeletionJob'],
    ]);
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.deletionRequestedAt).not.toBeNull();
    expect(await markedPosts()).toBe(1_000);
    expect(events.filter((e) => e.type === 'record.deletion_requested')).toHaveLength(1_000);
  });
});
