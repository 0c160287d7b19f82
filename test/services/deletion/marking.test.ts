import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { disconnectPrisma } from '../../../app/db/client';
import { configureBacklot, type BacklotEvent } from '../../../app/framework/index';
import { assertEnqueuedWith, performEnqueuedJobs, useTestAdapter } from '../../../app/framework/index';
import {
  InvalidCutoffError,
  markPostForDeletion,
  markUpdatedBefore,
  markUploadForDeletion,
  markUserContentForDeletion,
  RecordNotFoundError,
} from '../../../app/services/deletion/index';
import { MarkUserContentForDeletionJob } from '../../../jobs/mark-user-content-for-deletion.job';
import { disconnectTestPrisma, testDatabaseUrl, testPrisma, truncateAll } from '../../support/database';

describe('marking records for deletion (real PostgreSQL)', () => {
  const db = testPrisma();
  let events: BacklotEvent[];

  beforeEach(async () => {
    await truncateAll();
    events = [];
    configureBacklot({ events: { publish: (event) => events.push(event) } });
  });
  afterEach(() => configureBacklot({ events: undefined }));
  afterAll(async () => {
    await disconnectTestPrisma();
    await disconnectPrisma();
  });

  async function setUpdatedAt(id: number, at: string, table = 'posts'): Promise<void> {
    await db.$executeRawUnsafe(`UPDATE ${table} SET updated_at = $1::timestamp WHERE id = $2`, at, id);
  }

  it('marks a post at once, announces it once, and keeps the first mark when asked again', async () => {
    const post = await db.post.create({ data: {} });
    const first = await markPostForDeletion(db, post.id, { requestedBy: 7 });
    expect(first).toMatchObject({ model: 'Post', id: post.id, marked: true });
    const stored = await db.post.findUniqueOrThrow({ where: { id: post.id } });
    expect(stored.deletionRequestedAt).toEqual(first.deletionRequestedAt);
    expect(stored.updatedAt).toEqual(post.updatedAt);

    const again = await markPostForDeletion(db, post.id);
    expect(again).toMatchObject({ marked: false, deletionRequestedAt: first.deletionRequestedAt });
    expect(events.map((e) => [e.type, e.topic, e.data])).toEqual([
      [
        'record.deletion_requested',
        `/records/Post/${post.id}`,
        { model: 'Post', recordId: post.id, requestedBy: 7 },
      ],
    ]);
  });

  it('marks an upload; an unknown id is RecordNotFoundError', async () => {
    const upload = await db.upload.create({ data: { sourceFile: 'uploads/a.jpg' } });
    expect((await markUploadForDeletion(db, upload.id)).marked).toBe(true);
    await expect(markUploadForDeletion(db, upload.id + 1)).rejects.toBeInstanceOf(RecordNotFoundError);
    await expect(markPostForDeletion(db, 1.5)).rejects.toThrow('no post 1.5');
  });

  it('notifies the deleter (NOTIFY backlot_deletions) when it marks, not when the mark was there', async () => {
    const post = await db.post.create({ data: {} });
    const listener = new pg.Client({ connectionString: testDatabaseUrl() });
    await listener.connect();
    try {
      const received: string[] = [];
      listener.on('notification', (n) => received.push(`${n.channel}:${n.payload ?? ''}`));
      await listener.query('LISTEN backlot_deletions');
      await markPostForDeletion(db, post.id);
      await markPostForDeletion(db, post.id);
      await listener.query('SELECT 1'); // notifications arrive before the next result
      await new Promise((r) => setTimeout(r, 50));
      expect(received).toEqual(['backlot_deletions:posts']);
    } finally {
      await listener.end();
    }
  });

  describe('mass marking by updated_at, compared exactly', () => {
    // updated_at is timestamp(3) (Prisma's DateTime): rows hold milliseconds, so rows here are
    // milliseconds apart; the cutoffs carry microseconds, which must not be rounded either way.
    let ids: Record<'a' | 'b' | 'c' | 'd', number>;

    beforeEach(async () => {
      const created: number[] = [];
      for (let i = 0; i < 4; i += 1) created.push((await db.post.create({ data: {} })).id);
      const [a, b, c, d] = created as [number, number, number, number];
      ids = { a, b, c, d };
      await setUpdatedAt(ids.a, '2026-01-01 10:00:00.123');
      await setUpdatedAt(ids.b, '2026-01-01 10:00:00.124');
      await setUpdatedAt(ids.c, '2026-01-01 10:00:00.900');
      await setUpdatedAt(ids.d, '2026-01-01 10:00:01.000');
    });

    async function markedIds(): Promise<number[]> {
      return (
        await db.post.findMany({ where: { deletionRequestedAt: { not: null } }, orderBy: { id: 'asc' } })
      ).map((p) => p.id);
    }

    it('a cutoff between two milliseconds (.123400) takes the row at .123 and not the one at .124', async () => {
      const result = await markUpdatedBefore(db, { model: 'Post', before: '2026-01-01T10:00:00.123400Z' });
      expect(result).toEqual({ model: 'Post', before: '2026-01-01T10:00:00.123400Z', marked: 1 });
      expect(await markedIds()).toEqual([ids.a]);
    });

    it('is strict: a row updated exactly at the cutoff stays', async () => {
      expect(
        (await markUpdatedBefore(db, { model: 'Post', before: '2026-01-01T10:00:00.124Z' })).marked,
      ).toBe(1);
      expect(
        (await markUpdatedBefore(db, { model: 'Post', before: '2026-01-01T10:00:00.124001Z' })).marked,
      ).toBe(1);
      expect(await markedIds()).toEqual([ids.a, ids.b]);
    });

    it('separates rows less than a second apart, reads zones, and never rounds up to whole seconds', async () => {
      const r = await markUpdatedBefore(db, { model: 'Post', before: '2026-01-01T12:00:00.9+02:00' });
      expect(r.before).toBe('2026-01-01T10:00:00.900000Z');
      expect(await markedIds()).toEqual([ids.a, ids.b]);
      await markUpdatedBefore(db, { model: 'Post', before: '2026-01-01T10:00:00.999999Z' });
      expect(await markedIds()).toEqual([ids.a, ids.b, ids.c]);
    });

    it('marks only unmarked rows, leaves updated_at alone and announces each record once', async () => {
      await markUpdatedBefore(db, { model: 'Post', before: '2026-01-01T10:00:00.5Z', requestedBy: 3 });
      const second = await markUpdatedBefore(db, { model: 'Post', before: '2026-01-01T10:00:02Z' });
      expect(second.marked).toBe(2);
      expect(events.map((e) => e.data)).toEqual([
        { model: 'Post', recordId: ids.a, requestedBy: 3 },
        { model: 'Post', recordId: ids.b, requestedBy: 3 },
        { model: 'Post', recordId: ids.c },
        { model: 'Post', recordId: ids.d },
      ]);
      const rows = await db.$queryRaw<
        { u: string }[]
      >`SELECT to_char(updated_at, 'SS.MS') AS u FROM posts ORDER BY id`;
      expect(rows.map((r) => r.u)).toEqual(['00.123', '00.124', '00.900', '01.000']);
    });

    it('works in chunks of chunkSize rows, in id order', async () => {
      const progress: number[] = [];
      const result = await markUpdatedBefore(db, {
        model: 'Post',
        before: '2030-01-01T00:00:00Z',
        chunkSize: 3,
        onChunk: (n) => progress.push(n),
      });
      expect(result.marked).toBe(4);
      expect(progress).toEqual([3, 4]);
    });

    it('refuses a timestamp without a zone, with more than 6 fractional digits, or that PostgreSQL cannot read', async () => {
      for (const before of [
        '2026-01-01T10:00:00.123',
        '2026-01-01T10:00:00.1234567Z',
        'yesterday',
        '2026-02-30T00:00:00Z',
      ]) {
        await expect(markUpdatedBefore(db, { model: 'Post', before }), before).rejects.toBeInstanceOf(
          InvalidCutoffError,
        );
      }
      expect(await markedIds()).toEqual([]);
    });

    it('marks uploads the same way', async () => {
      const upload = await db.upload.create({ data: { sourceFile: 'uploads/u.jpg' } });
      await setUpdatedAt(upload.id, '2026-01-01 10:00:00.123', 'uploads');
      expect(
        (await markUpdatedBefore(db, { model: 'Upload', before: '2026-01-01T10:00:00.123001Z' })).marked,
      ).toBe(1);
      expect(await markedIds()).toEqual([]);
    });
  });

  describe("a user's content", () => {
    it('marks the first posts and uploads at once and leaves the rest to MarkUserContentForDeletionJob', async () => {
      useTestAdapter();
      const [user, other] = [
        await db.user.create({ data: { name: 'u' } }),
        await db.user.create({ data: { name: 'o' } }),
      ];
      await db.post.createMany({ data: Array.from({ length: 5 }, () => ({ uploaderId: user.id })) });
      await db.post.create({ data: { uploaderId: other.id } });
      await db.upload.createMany({ data: [{ uploaderId: user.id, sourceFile: 'uploads/1' }] });

      const result = await markUserContentForDeletion(db, user.id, { requestedBy: 1, inlineLimit: 2 });
      expect(result).toMatchObject({ userId: user.id, marked: { Upload: 1, Post: 2 }, complete: false });
      assertEnqueuedWith({ job: MarkUserContentForDeletionJob, args: [user.id, 1] });
      expect(await db.post.count({ where: { deletionRequestedAt: { not: null } } })).toBe(2);

      await performEnqueuedJobs();
      expect(await db.post.count({ where: { uploaderId: user.id, deletionRequestedAt: null } })).toBe(0);
      expect(await db.post.count({ where: { uploaderId: other.id, deletionRequestedAt: null } })).toBe(1);
      expect(await db.user.count({ where: { deletionRequestedAt: { not: null } } })).toBe(0);
      const records = events.filter((e) => e.type === 'record.deletion_requested');
      expect(new Set(records.map((e) => e.topic)).size).toBe(6);
      expect(records.filter((e) => (e.data as { jobId?: string }).jobId !== undefined)).toHaveLength(3);
    });

    it('enqueues nothing when everything fit, and refuses an unknown user', async () => {
      const adapter = useTestAdapter();
      const user = await db.user.create({ data: { name: 'small' } });
      await db.post.create({ data: { uploaderId: user.id } });
      expect(await markUserContentForDeletion(db, user.id)).toMatchObject({
        complete: true,
        marked: { Upload: 0, Post: 1 },
      });
      expect(adapter.enqueued).toHaveLength(0);
      await expect(markUserContentForDeletion(db, user.id + 100)).rejects.toBeInstanceOf(RecordNotFoundError);
    });
  });
});
