import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { installRecordLocator, UnknownModelError } from '../../app/db/record-locator';
import { recordLocator, recordModelOf, setRecordLocator } from '../../app/framework/index';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';

const db = testPrisma();

beforeEach(() => truncateAll());
afterAll(async () => {
  setRecordLocator(undefined);
  await disconnectTestPrisma();
});

describe('createPrismaClient', () => {
  it('marks a single record with its model name, not as an enumerable property', async () => {
    const user = await db.user.create({ data: { name: 'alice' } });

    expect(recordModelOf(user)).toBe('User');
    expect(Object.keys(user)).not.toContain('backlot.recordModel');
    expect(JSON.parse(JSON.stringify(user))).toMatchObject({ id: user.id, name: 'alice', level: 'member' });
  });

  it('marks each record of an array', async () => {
    const uploader = await db.user.create({ data: { name: 'bob' } });
    await db.post.createMany({ data: [{ md5: 'a', uploaderId: uploader.id }, { md5: 'b' }] });

    const posts = await db.post.findMany({ orderBy: { id: 'asc' } });

    expect(posts).toHaveLength(2);
    expect(posts.map((post) => recordModelOf(post))).toEqual(['Post', 'Post']);
  });

  it('marks records from findUnique, update, upsert and delete', async () => {
    const created = await db.user.create({ data: { name: 'carol' } });

    const found = await db.user.findUnique({ where: { id: created.id } });
    const updated = await db.user.update({ where: { id: created.id }, data: { level: 'builder' } });
    const upserted = await db.user.upsert({ where: { name: 'dave' }, create: { name: 'dave' }, update: {} });
    const deleted = await db.user.delete({ where: { id: upserted.id } });

    expect([found, updated, upserted, deleted].map((record) => recordModelOf(record))).toEqual([
      'User',
      'User',
      'User',
      'User',
    ]);
  });

  it('leaves counts, aggregates and null results alone', async () => {
    await db.user.create({ data: { name: 'erin' } });

    expect(await db.user.count()).toBe(1);
    expect(await db.user.findUnique({ where: { name: 'nobody' } })).toBeNull();
    const batch = await db.user.updateMany({ data: { level: 'moderator' } });
    expect(batch).toEqual({ count: 1 });
    expect(recordModelOf(batch)).toBeUndefined();
  });
});

describe('installRecordLocator', () => {
  it('reloads a record by model name and Int id, marked again', async () => {
    const user = await db.user.create({ data: { name: 'frank', level: 'admin' } });
    installRecordLocator(db);

    const located = await recordLocator()?.locate('User', user.id);

    expect(located).toEqual(user);
    expect(located).not.toBe(user);
    expect(recordModelOf(located)).toBe('User');
  });

  it('resolves null for an id that does not exist', async () => {
    installRecordLocator(db);

    await expect(recordLocator()?.locate('Post', 999_999)).resolves.toBeNull();
  });

  it('throws UnknownModelError for a model the client does not have', async () => {
    installRecordLocator(db);

    await expect(recordLocator()?.locate('Comment', 1)).rejects.toThrow(UnknownModelError);
  });
});
