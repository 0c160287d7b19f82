/**
 * A failed bulk update request never gets stuck: its author or an admin may edit it (done lines
 * stay done) or reject it (half-made relationships withdrawn), and an admin approves it again.
 */
import { describe, expect, it } from 'vitest';
import {
  approveBur,
  BurPermissionError,
  BurValidationError,
  createBur,
  rejectBur,
  updateBur,
} from '../../../app/services/bulk-update-request/approval';
import {
  BurLineFailedError,
  processBulkUpdateRequest,
} from '../../../app/services/bulk-update-request/processing';
import {
  createManyPosts,
  createPostsWithTags,
  modActionsOf,
  postsWith,
  relationships,
  useBurFixtures,
  wrongPostCounts,
} from './processing-support';

const fx = useBurFixtures();
const db = fx.db;

/** A request whose line 2 (a rename of a tag with 201 posts) failed after line 1 was done. */
async function failedRequest(): Promise<number> {
  await createPostsWithTags(db, [['a'], ['c']]);
  const { bur } = await createBur(fx.users.member, 'alias a -> b\nrename c -> d', null, { db });
  await approveBur(bur, fx.users.admin, { db });
  await createManyPosts(db, 200, ['c']); // 201 posts on c when the line runs
  await expect(processBulkUpdateRequest(db, bur.id)).rejects.toThrow(BurLineFailedError);
  return bur.id;
}

async function lines(burId: number) {
  const rows = await db.bulkUpdateRequestLine.findMany({
    where: { bulkUpdateRequestId: burId },
    orderBy: { lineNumber: 'asc' },
  });
  return rows.map((row) => `${row.lineNumber} ${row.status} ${row.text}`);
}

describe('editing a failed request', () => {
  it('lets the author fix the failed line; it stays failed, and approved again it runs only the new line', async () => {
    const burId = await failedRequest();
    const { bur, check } = await updateBur(
      { id: burId },
      fx.users.member,
      { script: 'alias a -> b\nalias c -> d' },
      { db },
    );
    expect(check.ok).toBe(true);
    expect(bur.status).toBe('failed');
    expect(await lines(burId)).toEqual(['1 done create alias a -> b', '2 pending create alias c -> d']);

    expect((await approveBur({ id: burId }, fx.users.admin, { db })).resumed).toBe(true);
    await processBulkUpdateRequest(db, burId, { chunkSize: 50 });
    expect(await postsWith(db, 'd')).toHaveLength(201);
    expect((await modActionsOf(db, burId)).filter((a) => a.startsWith('tag_alias_create'))).toEqual([
      'tag_alias_create: created tag alias [[a]] -> [[b]]',
      'tag_alias_create: created tag alias [[c]] -> [[d]]',
    ]);
    expect(await wrongPostCounts(db)).toEqual([]);
  });

  it('refuses an edit that changes a done line, and anyone but the author or an admin', async () => {
    const burId = await failedRequest();
    await expect(
      updateBur({ id: burId }, fx.users.member, { script: 'alias a -> z\nalias c -> d' }, { db }),
    ).rejects.toThrow(
      'line 1 (create alias a -> b) is done and cannot be changed: its effect is already applied',
    );
    await expect(
      updateBur({ id: burId }, fx.users.moderator, { script: 'alias a -> b\nalias c -> d' }, { db }),
    ).rejects.toThrow(BurPermissionError);
    const edited = await updateBur({ id: burId }, fx.users.admin, { title: 'fixed by an admin' }, { db });
    expect(edited.bur.title).toBe('fixed by an admin');
  });

  it('stores the validation of the lines not done, against the database the done lines left', async () => {
    const burId = await failedRequest();
    const { check } = await updateBur(
      { id: burId },
      fx.users.member,
      { script: 'alias a -> b\nalias a -> c' },
      { db },
    );
    expect(check.errors.map((e) => [e.lineNumber, e.reason])).toEqual([
      [2, "'a' is already aliased to 'b' (remove that alias first)"],
    ]);
    await expect(approveBur({ id: burId }, fx.users.admin, { db })).rejects.toThrow(BurValidationError);
  });
});

/** A request whose only line, alias a -> b over 4 posts, was canceled after moving 2 of them. */
async function interruptedAlias(): Promise<number> {
  await createPostsWithTags(db, [['a'], ['a'], ['a'], ['a']]);
  const { bur } = await createBur(fx.users.member, 'alias a -> b', null, { db });
  await approveBur(bur, fx.users.admin, { db });
  const cancel = new AbortController();
  await expect(
    processBulkUpdateRequest(db, bur.id, {
      chunkSize: 1,
      signal: cancel.signal,
      onProgress: (p) => {
        if (p.rowsDone >= 2) cancel.abort(new Error('canceled by an admin'));
      },
    }),
  ).rejects.toThrow(BurLineFailedError);
  expect(await relationships(db, 'alias')).toEqual(['a -> b processing']);
  return bur.id;
}

describe('editing the interrupted line of a failed request', () => {
  it('withdraws the alias the line had started, so the new line validates and runs', async () => {
    const burId = await interruptedAlias();
    const { check } = await updateBur({ id: burId }, fx.users.member, { script: 'alias a -> c' }, { db });
    expect(check.ok).toBe(true);
    expect(await relationships(db, 'alias', true)).toEqual(['a -> b deleted']);
    await approveBur({ id: burId }, fx.users.admin, { db });
    await processBulkUpdateRequest(db, burId);
    expect(await relationships(db, 'alias')).toEqual(['a -> c active']);
    expect(await postsWith(db, 'a')).toEqual([]);
    expect((await postsWith(db, 'b')).length + (await postsWith(db, 'c')).length).toBe(4);
    expect(await wrongPostCounts(db)).toEqual([]);
  });
});

describe('rejecting a failed request', () => {
  it('closes it and withdraws the alias its interrupted line had started; posts already moved stay', async () => {
    const burId = await interruptedAlias();
    const bur = { id: burId };

    expect((await rejectBur(bur, fx.users.member, { db })).status).toBe('rejected');
    expect(await relationships(db, 'alias', true)).toEqual(['a -> b deleted']);
    expect(await postsWith(db, 'b')).toHaveLength(2);
    expect(await wrongPostCounts(db)).toEqual([]);
  });
});
