/**
 * The BUR service on the real database: create and edit store the validation per line, approval
 * validates again, refuses twice, records the lines and enqueues exactly one job on bulk_update
 * (into a TestAdapter here; test/jobs runs it on a real worker), reject, and who may do what.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  approveBur,
  BurAlreadyApprovedError,
  BurPermissionError,
  BurStateError,
  BurValidationError,
  createBur,
  rejectBur,
  updateBur,
} from '../../../app/services/bulk-update-request/approval';
import { processBulkUpdateRequest } from '../../../app/services/bulk-update-request/processing';
import { createAliases, createTags } from '../../support/tag-fixtures';
import { createPostsWithTags, modActionsOf, useBurFixtures, useTestQueue } from './processing-support';

const fx = useBurFixtures();
const db = fx.db;

beforeEach(async () => {
  await createPostsWithTags(db, [['a'], ['c']]);
});

async function lineRows(burId: number) {
  const rows = await db.bulkUpdateRequestLine.findMany({
    where: { bulkUpdateRequestId: burId },
    orderBy: { lineNumber: 'asc' },
  });
  return rows.map((row) => ({
    lineNumber: row.lineNumber,
    text: row.text,
    status: row.status,
    error: row.error,
  }));
}

describe('createBur', () => {
  it('stores a valid script pending, its lines in canonical form', async () => {
    const { bur, check } = await createBur(
      fx.users.member,
      'ALIAS  a   ->  b\n\nimply c -> d',
      '  Hair   tags ',
      { db },
    );
    expect(check.ok).toBe(true);
    expect(bur).toMatchObject({
      status: 'pending',
      userId: fx.users.member.id,
      title: 'Hair tags',
      script: 'ALIAS  a   ->  b\n\nimply c -> d',
    });
    expect(await lineRows(bur.id)).toEqual([
      { lineNumber: 1, text: 'create alias a -> b', status: 'pending', error: null },
      { lineNumber: 3, text: 'create implication c -> d', status: 'pending', error: null },
    ]);
    expect(fx.queue.enqueued).toEqual([]);
  });

  it('stores a malformed script with every bad line and its reason', async () => {
    const { bur, check } = await createBur(
      fx.users.member,
      'alias a -> b\nfrobnicate x\nunalias q -> r',
      null,
      {
        db,
      },
    );
    expect(check.ok).toBe(false);
    expect(await lineRows(bur.id)).toEqual([
      { lineNumber: 1, text: 'create alias a -> b', status: 'pending', error: null },
      {
        lineNumber: 2,
        text: 'frobnicate x',
        status: 'failed',
        error: expect.stringMatching(/^unknown command 'frobnicate'/) as unknown,
      },
      { lineNumber: 3, text: 'unalias q -> r', status: 'failed', error: "the alias q -> r doesn't exist" },
    ]);
  });

  it('refuses and does not store an empty script or one over its limits', async () => {
    await expect(createBur(fx.users.member, '  \n ', null, { db })).rejects.toThrow(BurValidationError);
    const long = Array.from({ length: 101 }, (_, i) => `deprecate t${i}`).join('\n');
    await expect(createBur(fx.users.member, long, null, { db })).rejects.toThrow(
      /101 lines, more than the 100 allowed/,
    );
    await expect(createBur(fx.users.member, 'deprecate a', 'x'.repeat(201), { db })).rejects.toThrow(
      /title is longer than 200/,
    );
    expect(await db.bulkUpdateRequest.count()).toBe(0);
  });
});

describe('updateBur', () => {
  it('lets the author edit a pending request and validates the new script', async () => {
    const { bur } = await createBur(fx.users.member, 'alias a -> b', null, { db });
    const { bur: edited, check } = await updateBur(
      bur,
      fx.users.member,
      { script: 'alias a -> b\nnuke nothing_here', title: 'New' },
      { db },
    );
    expect(edited).toMatchObject({ title: 'New', script: 'alias a -> b\nnuke nothing_here' });
    expect(check.errors).toEqual([
      { lineNumber: 2, text: 'nuke nothing_here', reason: "the tag 'nothing_here' doesn't exist" },
    ]);
    expect((await lineRows(bur.id)).map((r) => r.status)).toEqual(['pending', 'failed']);
  });

  it("refuses anyone but its author or an admin (Danbooru's update?), and a rejected request", async () => {
    const { bur } = await createBur(fx.users.member, 'alias a -> b', null, { db });
    for (const other of [fx.users.builder, fx.users.moderator]) {
      await expect(updateBur(bur, other, { title: 'mine' }, { db })).rejects.toThrow(
        /only its author or an admin may edit/,
      );
    }
    await updateBur(bur, fx.users.admin, { title: 'administered' }, { db });
    await rejectBur(bur, fx.users.member, { db });
    await expect(updateBur(bur, fx.users.member, { title: 'late' }, { db })).rejects.toThrow(BurStateError);
  });
});

describe('approveBur', () => {
  it('takes an admin for an ordinary request: members, builders and moderators are refused', async () => {
    const { bur } = await createBur(fx.users.member, 'alias a -> b', null, { db });
    await expect(approveBur(bur, fx.users.member, { db })).rejects.toThrow(/takes a builder or above/);
    for (const lower of [fx.users.builder, fx.users.moderator]) {
      await expect(approveBur(bur, lower, { db })).rejects.toThrow(
        `approving bulk update request #${bur.id} takes an admin or above`,
      );
    }
    expect(fx.queue.enqueued).toEqual([]);
  });

  it('lets a builder approve a small artist alias and a moderator a small character implication, reading the tags now', async () => {
    await createTags(db, [
      { name: 'some_artist', category: 'artist', postCount: 3 },
      { name: 'char_a', category: 'character', postCount: 4 },
      { name: 'char_b', category: 'character', postCount: 9 },
    ]);
    const { bur: alias } = await createBur(fx.users.member, 'alias some_artist -> artist_renamed', null, {
      db,
    });
    expect((await approveBur(alias, fx.users.builder, { db })).bur.approverId).toBe(fx.users.builder.id);

    const { bur: implication } = await createBur(fx.users.member, 'imply char_a -> char_b', null, { db });
    await expect(approveBur(implication, fx.users.builder, { db })).rejects.toThrow(
      /takes a moderator or above/,
    );
    await approveBur(implication, fx.users.moderator, { db });

    await createTags(db, [{ name: 'grown_artist', category: 'artist', postCount: 201 }]);
    const { bur: large } = await createBur(fx.users.member, 'alias grown_artist -> x_artist', null, { db });
    await expect(approveBur(large, fx.users.moderator, { db })).rejects.toThrow(/takes an admin or above/);
  });

  it('sets status processing, records the lines, logs it and enqueues ONE job on bulk_update', async () => {
    const { bur } = await createBur(fx.users.member, 'alias a -> b\n\n\ncategory c -> artist', null, { db });
    const approved = await approveBur(bur, fx.users.admin, { db });
    expect(approved.bur).toMatchObject({ status: 'processing', approverId: fx.users.admin.id });
    expect(approved.bur.approvedAt).toBeInstanceOf(Date);
    expect(approved.resumed).toBe(false);
    expect(await lineRows(bur.id)).toEqual([
      { lineNumber: 1, text: 'create alias a -> b', status: 'pending', error: null },
      { lineNumber: 4, text: 'category c -> artist', status: 'pending', error: null },
    ]);
    expect(fx.queue.enqueued.map((e) => [e.jobClass, e.queue, e.arguments])).toEqual([
      ['ProcessBulkUpdateRequestJob', 'bulk_update', [bur.id]],
    ]);
    expect(approved.jobId).toBe(fx.queue.enqueued[0]?.job.jobId);
    expect(approved.bur.processingJobId).toBe(approved.jobId); // stored with the claim, for the reconciliation
    expect(await modActionsOf(db, bur.id)).toEqual([
      `bulk_update_request_approve: approved bulk update request #${bur.id}`,
    ]);
  });

  it('refuses an approved (processing) or completed request with BurAlreadyApprovedError, and a rejected one', async () => {
    const { bur } = await createBur(fx.users.member, 'alias a -> b', null, { db });
    await approveBur(bur, fx.users.admin, { db });
    await expect(approveBur(bur, fx.users.admin, { db })).rejects.toThrow(BurAlreadyApprovedError);
    await processBulkUpdateRequest(db, bur.id);
    await expect(approveBur(bur, fx.users.admin, { db })).rejects.toThrow(/was approved and has completed/);
    await db.bulkUpdateRequest.update({ where: { id: bur.id }, data: { status: 'approved' } });
    await expect(approveBur(bur, fx.users.admin, { db })).rejects.toThrow(BurAlreadyApprovedError);

    const { bur: other } = await createBur(fx.users.member, 'alias c -> d', null, { db });
    await rejectBur(other, fx.users.admin, { db });
    const refusal = await approveBur(other, fx.users.admin, { db }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BurStateError);
    expect(refusal).not.toBeInstanceOf(BurAlreadyApprovedError);
    expect(fx.queue.enqueued).toHaveLength(1);
  });

  it('lets only one of two concurrent approvals through', async () => {
    const { bur } = await createBur(fx.users.member, 'alias a -> b', null, { db });
    const results = await Promise.allSettled([
      approveBur(bur, fx.users.admin, { db }),
      approveBur(bur, fx.users.admin, { db }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' ? rejected.reason : undefined).toBeInstanceOf(
      BurAlreadyApprovedError,
    );
    expect(fx.queue.enqueued).toHaveLength(1);
  });

  it('validates again: a script that went bad since it was written is refused and its stored errors refreshed', async () => {
    const { bur, check } = await createBur(fx.users.member, 'alias a -> b', null, { db });
    expect(check.ok).toBe(true);
    await createAliases(db, [['a', 'z']]);
    await expect(approveBur(bur, fx.users.admin, { db })).rejects.toThrow(BurValidationError);
    expect(await lineRows(bur.id)).toEqual([
      {
        lineNumber: 1,
        text: 'alias a -> b',
        status: 'failed',
        error: "'a' is already aliased to 'z' (remove that alias first)",
      },
    ]);
    expect((await db.bulkUpdateRequest.findUniqueOrThrow({ where: { id: bur.id } })).status).toBe('pending');
    expect(fx.queue.enqueued).toEqual([]);
  });

  it("approves in Danbooru's approval context: an alias removed since the request no longer blocks it", async () => {
    await createAliases(db, [['q', 'r']]);
    const { bur, check } = await createBur(fx.users.member, 'unalias q -> r\ncategory c -> general', null, {
      db,
    });
    expect(check.errors.map((e) => e.lineNumber)).toEqual([2]); // c is general already: refused at request time
    await updateBur(bur, fx.users.member, { script: 'unalias q -> r' }, { db });
    await db.tagAlias.updateMany({ data: { status: 'deleted' } });
    expect((await approveBur(bur, fx.users.admin, { db })).bur.status).toBe('processing');
  });

  it('keeps refusing a pending request whose lines were stored with request-time errors', async () => {
    const { bur } = await createBur(fx.users.member, 'unalias q -> r', null, { db });
    const error = await approveBur(bur, fx.users.admin, { db }).catch((e: unknown) => e);
    expect((error as BurValidationError).check?.errors.map((e) => e.reason)).toEqual([
      "the alias q -> r doesn't exist",
    ]);
  });

  it('never approves a malformed script', async () => {
    const { bur } = await createBur(fx.users.member, 'alias a -> b\nalias a ->', null, { db });
    const error = await approveBur(bur, fx.users.admin, { db }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BurValidationError);
    expect((error as BurValidationError).check?.errors.map((e) => e.lineNumber)).toEqual([2]);
    expect(fx.queue.enqueued).toEqual([]);
  });

  it('rolls the approval back when its job cannot be enqueued: the request stays pending, to be approved again', async () => {
    const { bur } = await createBur(fx.users.member, 'alias a -> b', null, { db });
    fx.queue.enqueue = () => Promise.reject(new Error('the queue refused'));
    await expect(approveBur(bur, fx.users.admin, { db })).rejects.toThrow('the queue refused');
    expect(await db.bulkUpdateRequest.findUniqueOrThrow({ where: { id: bur.id } })).toMatchObject({
      status: 'pending',
      processingJobId: null,
    });
    expect(await modActionsOf(db, bur.id)).toEqual([]);
    useTestQueue();
    expect((await approveBur(bur, fx.users.admin, { db })).resumed).toBe(false);
  });
});

describe('rejectBur', () => {
  it('rejects a pending request (author or admin) and logs it', async () => {
    const { bur } = await createBur(fx.users.member, 'alias a -> b', null, { db });
    await expect(rejectBur(bur, fx.users.builder, { db })).rejects.toThrow(BurPermissionError);
    await expect(rejectBur(bur, fx.users.moderator, { db })).rejects.toThrow(BurPermissionError);
    expect((await rejectBur(bur, fx.users.admin, { db })).status).toBe('rejected');
    expect(await modActionsOf(db, bur.id)).toEqual([
      `bulk_update_request_reject: rejected bulk update request #${bur.id}`,
    ]);
    await expect(rejectBur(bur, fx.users.admin, { db })).rejects.toThrow(
      /only a pending or failed request can be rejected/,
    );
  });
});
