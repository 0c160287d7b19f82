import { describe, expect, it } from 'vitest';
import { enqueuedJobs, performEnqueuedJobs } from '../../app/framework/index';
import { MailDeliveryJob } from '../../jobs/mail-delivery.job';
import { PruneBulkUpdateRequestsJob } from '../../jobs/prune-bulk-update-requests.job';
import { testPrisma, useFreshDatabase } from '../support/database';
import { createUser, DAY_MS, daysAgo } from './fixtures';

const db = testPrisma();

useFreshDatabase();

function bur(
  title: string,
  createdAt: Date,
  data: { userId?: number | null; status?: 'pending' | 'approved' | 'completed' | 'rejected' } = {},
) {
  return db.bulkUpdateRequest.create({ data: { title, script: `nuke ${title}`, createdAt, ...data } });
}

async function byTitle() {
  const rows = await db.bulkUpdateRequest.findMany({
    select: { title: true, status: true, expiryWarnedAt: true },
  });
  return Object.fromEntries(
    rows.map((r) => [r.title, { status: r.status, warned: r.expiryWarnedAt !== null }]),
  );
}

function mails() {
  return enqueuedJobs({ job: MailDeliveryJob }).map((e) => e.arguments as [string, string, string]);
}

describe('PruneBulkUpdateRequestsJob', () => {
  it('warns pending requests 5 days before they expire, rejects those 45 days old, and leaves the rest', async () => {
    const alice = await createUser(db, 'alice', { email: 'alice@example.com' });
    const bob = await createUser(db, 'bob'); // no mail address
    await bur('fresh', daysAgo(10), { userId: alice.id });
    const expiring = await bur('expiring', daysAgo(41), { userId: alice.id });
    await bur('expiring_no_mail', daysAgo(40.5), { userId: bob.id });
    const expired = await bur('expired', daysAgo(46), { userId: alice.id });
    await bur('expired_no_creator', daysAgo(100), { userId: null });
    await bur('approved_long_ago', daysAgo(60), { userId: alice.id, status: 'approved' });
    await bur('completed_long_ago', daysAgo(60), { status: 'completed' });

    expect(await PruneBulkUpdateRequestsJob.performNow(1)).toEqual({ rejected: 2, warned: 2, mails: 2 });

    expect(await byTitle()).toEqual({
      fresh: { status: 'pending', warned: false },
      expiring: { status: 'pending', warned: true },
      expiring_no_mail: { status: 'pending', warned: true },
      expired: { status: 'rejected', warned: false },
      expired_no_creator: { status: 'rejected', warned: false },
      approved_long_ago: { status: 'approved', warned: false },
      completed_long_ago: { status: 'completed', warned: false },
    });
    const rejections = await db.modAction.findMany({ orderBy: { id: 'asc' } });
    expect(rejections.map((a) => [a.category, a.creatorId, a.subjectType, a.description])).toEqual([
      [
        'bulk_update_request_reject',
        null,
        'BulkUpdateRequest',
        `rejected bulk update request #${expired.id}: not approved within 45 days`,
      ],
      [
        'bulk_update_request_reject',
        null,
        'BulkUpdateRequest',
        expect.stringContaining('not approved within 45 days'),
      ],
    ]);
    const expiresOn = new Date(expiring.createdAt.getTime() + 45 * DAY_MS).toISOString().slice(0, 10);
    expect(mails()).toEqual([
      [
        'alice@example.com',
        `Bulk update request #${expired.id} was rejected`,
        `Your bulk update request #${expired.id} (expired), created on ${expired.createdAt.toISOString().slice(0, 10)}, was not approved within 45 days and has been rejected.`,
      ],
      [
        'alice@example.com',
        `Bulk update request #${expiring.id} will be rejected in 5 days`,
        `Your bulk update request #${expiring.id} (expiring), created on ${expiring.createdAt.toISOString().slice(0, 10)}, is still pending. It will be rejected automatically on ${expiresOn} unless it is approved before then.`,
      ],
    ]);
    await performEnqueuedJobs();
    expect(await db.mailOutbox.count({ where: { recipient: 'alice@example.com' } })).toBe(2);
  });

  it('warns once, then rejects the request when it expires', async () => {
    const alice = await createUser(db, 'alice', { email: 'alice@example.com' });
    const request = await bur('slow', daysAgo(42), { userId: alice.id });

    expect(await PruneBulkUpdateRequestsJob.performNow()).toEqual({ rejected: 0, warned: 1, mails: 1 });
    const warnedAt = (await db.bulkUpdateRequest.findUniqueOrThrow({ where: { id: request.id } }))
      .expiryWarnedAt;
    expect(warnedAt).toBeInstanceOf(Date);

    // The next days: no second warning.
    expect(await PruneBulkUpdateRequestsJob.performNow()).toEqual({ rejected: 0, warned: 0, mails: 0 });
    expect(
      (await db.bulkUpdateRequest.findUniqueOrThrow({ where: { id: request.id } })).expiryWarnedAt,
    ).toEqual(warnedAt);

    // Four days later it is 46 days old.
    await db.bulkUpdateRequest.update({ where: { id: request.id }, data: { createdAt: daysAgo(46) } });
    expect(await PruneBulkUpdateRequestsJob.performNow()).toEqual({ rejected: 1, warned: 0, mails: 1 });
    expect((await db.bulkUpdateRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe(
      'rejected',
    );
    expect(mails().map(([, subject]) => subject)).toEqual([
      `Bulk update request #${request.id} will be rejected in 5 days`,
      `Bulk update request #${request.id} was rejected`,
    ]);

    expect(await PruneBulkUpdateRequestsJob.performNow()).toEqual({ rejected: 0, warned: 0, mails: 0 });
    expect(await db.modAction.count()).toBe(1);
  });
});
