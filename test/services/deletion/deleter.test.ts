import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDbPool } from '../../../app/db/pg-pool';
import { setPostTags } from '../../../app/db/post.repository';
import { configureBacklot, type BacklotEvent } from '../../../app/framework/index';
import {
  DeletionStorage,
  markPostForDeletion,
  startDeleter,
  type Deleter,
  type DeleterOptions,
} from '../../../app/services/deletion/index';
import type { StoredRecord } from '../../../app/services/deletion/storage';
import { disconnectTestPrisma, testPrisma, truncateAll, useTestPool } from '../../support/database';
import { captureLogs, type LogLine } from '../../support/log-capture';
import { makeStorageRoot, markSilently, waitUntil, writeFile } from './support';

const INFO = 30;
const WARN = 40;

describe('the deleter (real PostgreSQL, real files)', () => {
  const db = testPrisma();
  const pool = useTestPool();
  let storage: { root: string; cleanup(): void };
  let logs: ReturnType<typeof captureLogs>;
  let events: BacklotEvent[];
  const running: Deleter[] = [];
  beforeEach(async () => {
    await truncateAll();
    storage = makeStorageRoot();
    logs = captureLogs('debug');
    events = [];
    configureBacklot({ events: { publish: (event) => events.push(event) } });
  });
  afterEach(async () => {
    for (const deleter of running.splice(0)) await deleter.stop();
    configureBacklot({ events: undefined });
    storage.cleanup();
  });
  afterAll(async () => {
    await disconnectTestPrisma();
  });

  async function start(options: DeleterOptions = {}): Promise<Deleter> {
    const deleter = await startDeleter({
      pool: pool(),
      storage: new DeletionStorage(storage.root),
      checkIntervalMs: 60_000,
      ...options,
    });
    running.push(deleter);
    return deleter;
  }

  const lines = (event: string): LogLine[] => logs.lines.filter((l) => l.event === event);

  it('deletes what was marked before it started: external file, then derived files, then the row', async () => {
    const order: string[] = [];
    class RecordingStorage extends DeletionStorage {
      override async removeExternalFiles(record: StoredRecord) {
        order.push(`external ${record.model} ${record.id} row=${await rowExists(record)}`);
        return super.removeExternalFiles(record);
      }
      override async removeDerivedFiles(record: StoredRecord) {
        order.push(`derived ${record.model} ${record.id} row=${await rowExists(record)}`);
        return super.removeDerivedFiles(record);
      }
    }
    const rowExists = async (r: StoredRecord) =>
      r.model === 'Upload'
        ? (await db.upload.count({ where: { id: r.id } })) === 1
        : (await db.post.count({ where: { id: r.id } })) === 1;

    const upload = await db.upload.create({ data: { sourceFile: 'uploads/ab/source.jpg' } });
    const post = await db.post.create({ data: {} });
    await setPostTags(db, post.id, ['tagged']);
    const files = [
      writeFile(storage.root, 'uploads/ab/source.jpg'),
      writeFile(storage.root, `thumbnails/uploads/${upload.id}/preview.jpg`),
      writeFile(storage.root, `logs/uploads/${upload.id}/process.log`),
      writeFile(storage.root, `thumbnails/posts/${post.id}/180.jpg`),
      writeFile(storage.root, `originals/posts/${post.id}/original.png`),
    ];
    await markSilently(db, 'uploads', [upload.id]);
    await markSilently(db, 'posts', [post.id]);

    const deleter = await start({ storage: new RecordingStorage(storage.root) });
    await deleter.idle();

    expect(deleter.status).toBe('running');
    // Per record: external files, then derived files, both while its row was still there.
    expect(order.filter((o) => o.includes(' Upload '))).toEqual([
      `external Upload ${upload.id} row=true`,
      `derived Upload ${upload.id} row=true`,
    ]);
    expect(order.filter((o) => o.includes(' Post '))).toEqual([
      `external Post ${post.id} row=true`,
      `derived Post ${post.id} row=true`,
    ]);
    for (const file of files) expect(existsSync(file), file).toBe(false);
    expect(await db.upload.count()).toBe(0);
    expect(await db.post.count()).toBe(0);
    expect(await db.postTag.count()).toBe(0);
    expect((await db.tag.findFirstOrThrow()).postCount).toBe(0);

    const info = lines('record_deleted');
    expect(info.map((l) => [l.level, l.msg])).toEqual([
      [INFO, `Deleted Upload ${upload.id}`],
      [INFO, `Deleted Post ${post.id}`],
    ]);
    const detail = lines('record_deleted_detail').find((l) => l.model === 'Upload');
    expect(detail).toMatchObject({
      level: 20,
      recordId: upload.id,
      removed: expect.arrayContaining([
        files[0],
        join(storage.root, 'thumbnails', 'uploads', String(upload.id)),
      ]),
    });
    expect(events.map((e) => [e.type, e.topic])).toEqual([
      ['record.deleted', `/records/Upload/${upload.id}`],
      ['record.deleted', `/records/Post/${post.id}`],
    ]);
    expect(deleter.deletedCount).toBe(2);
  });

  it('works through a backlog in batches of 100, 100 ms apart, and says the deletion queue is full', async () => {
    const ids = (
      await db.$queryRaw<
        { id: number }[]
      >`INSERT INTO posts (updated_at) SELECT now() FROM generate_series(1, 250) RETURNING id`
    ).map((r) => r.id);
    await markSilently(db, 'posts', ids);
    const started = Date.now();
    const deleter = await start();
    await waitUntil(async () => (await db.post.count()) === 0, 5_000, 'the backlog to be deleted');
    await deleter.idle();
    expect(Date.now() - started).toBeLessThan(5_000); // not a minute per batch

    const passes = lines('deleter_pass');
    expect(passes.map((p) => p.found)).toEqual([100, 100, 50, 0]);
    const times = passes.map((p) => p.time as number);
    for (let i = 1; i < times.length; i += 1)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(95);

    const full = lines('deletion_queue_full');
    expect(full).toHaveLength(1); // at most once per check interval
    expect(full[0]).toMatchObject({ level: INFO, queueSize: 100, checkIntervalMs: 60_000, followUpMs: 100 });
    expect(full[0]?.msg).toMatch(/^Deletion queue full: .*100.*periodic check every 60 s/);
    expect(lines('record_deleted')).toHaveLength(250);
  });

  it('wakes at once when a record is marked (NOTIFY), not at the next periodic check', async () => {
    const deleter = await start();
    await deleter.idle();
    const post = await db.post.create({ data: {} });
    const marked = Date.now();
    await markPostForDeletion(db, post.id);
    await waitUntil(async () => (await db.post.count()) === 0, 3_000, 'the marked post to go');
    expect(Date.now() - marked).toBeLessThan(3_000);
  });

  it('finds marks nobody announced at the periodic check', async () => {
    const deleter = await start({ checkIntervalMs: 300 });
    await deleter.idle();
    const post = await db.post.create({ data: {} });
    await markSilently(db, 'posts', [post.id]);
    await waitUntil(async () => (await db.post.count()) === 0, 3_000, 'the periodic check');
    expect(lines('deleter_pass').some((l) => l.msg.startsWith('Deleter pass (periodic)'))).toBe(true);
  });

  it('keeps the row and the mark when the external file cannot go, says why once, and retries at a later periodic check', async () => {
    const stuck = await db.upload.create({ data: { sourceFile: 'uploads/stuck.jpg' } });
    const fine = await db.upload.create({ data: { sourceFile: 'uploads/fine.jpg' } });
    writeFile(storage.root, 'uploads/stuck.jpg/inside'); // a directory where the file should be: EISDIR
    const derived = writeFile(storage.root, `thumbnails/uploads/${stuck.id}/t.jpg`);
    writeFile(storage.root, 'uploads/fine.jpg');
    await markSilently(db, 'uploads', [stuck.id, fine.id]);

    const deleter = await start({ checkIntervalMs: 400 });
    await deleter.idle();
    expect((await db.upload.findMany()).map((u) => [u.id, u.deletionRequestedAt !== null])).toEqual([
      [stuck.id, true],
    ]);
    expect(existsSync(derived)).toBe(true); // derived files wait for the external ones
    const failures = lines('record_deletion_failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: WARN, model: 'Upload', recordId: stuck.id, stage: 'files' });
    expect(failures[0]?.msg).toMatch(
      /Could not delete Upload \d+ yet: cannot remove .*stuck\.jpg: ERR_FS_EISDIR.*it stays marked/,
    );

    // Failing again at the next periodic check: at DEBUG, not another WARN.
    await waitUntil(() => lines('record_deletion_failed').length >= 2, 3_000, 'a retry');
    expect(lines('record_deletion_failed').filter((l) => l.level === WARN)).toHaveLength(1);

    rmSync(join(storage.root, 'uploads/stuck.jpg'), { recursive: true });
    await waitUntil(async () => (await db.upload.count()) === 0, 3_000, 'the retry to succeed');
    expect(existsSync(derived)).toBe(false);
  });

  it('keeps the row when a derived file cannot go', async () => {
    const post = await db.post.create({ data: {} });
    writeFileSync(join(storage.root, 'thumbnails'), 'not a directory'); // thumbnails/posts/<id>: ENOTDIR
    await markSilently(db, 'posts', [post.id]);
    const deleter = await start();
    await deleter.idle();
    expect(await db.post.count()).toBe(1);
    expect(lines('record_deletion_failed')[0]?.reason).toMatch(/ENOTDIR/);
  });

  it('never removes a file outside the storage root, however the path gets there', async () => {
    const outside = makeStorageRoot();
    try {
      const victim = writeFile(outside.root, 'victim.txt');
      mkdirSync(join(storage.root, 'uploads'));
      symlinkSync(outside.root, join(storage.root, 'uploads', 'linked'));
      const sources = [victim, '../victim.txt', 'uploads/linked/victim.txt'];
      const uploads = [];
      for (const sourceFile of sources) uploads.push(await db.upload.create({ data: { sourceFile } }));
      await markSilently(
        db,
        'uploads',
        uploads.map((u) => u.id),
      );
      const deleter = await start();
      await deleter.idle();
      expect(existsSync(victim)).toBe(true);
      expect(await db.upload.count()).toBe(3);
      const reasons = lines('record_deletion_failed').map((l) => l.reason as string);
      expect(reasons).toHaveLength(3);
      expect(reasons.filter((r) => /is outside the storage root/.test(r))).toHaveLength(2);
      expect(reasons.filter((r) => /resolves outside the storage root/.test(r))).toHaveLength(1);
    } finally {
      outside.cleanup();
    }
  });

  it('an upload whose files are already gone is deleted all the same', async () => {
    const upload = await db.upload.create({ data: { sourceFile: 'uploads/never-written.jpg' } });
    await markSilently(db, 'uploads', [upload.id]);
    const deleter = await start();
    await deleter.idle();
    expect(await db.upload.count()).toBe(0);
  });

  it('one deleter per database: a second one stands by and takes over when the first stops', async () => {
    const first = await start({ checkIntervalMs: 300 });
    await first.idle();
    const second = await start({ checkIntervalMs: 300 });
    await second.idle();
    expect([first.status, second.status]).toEqual(['running', 'standby']);
    expect(lines('deleter_standby')).toHaveLength(1);

    await first.stop();
    expect(first.status).toBe('stopped');
    const post = await db.post.create({ data: {} });
    await markSilently(db, 'posts', [post.id]);
    await waitUntil(async () => (await db.post.count()) === 0, 3_000, 'the second deleter to take over');
    expect(second.status).toBe('running');
  });

  it('starts with the defaults a worker process uses: dbPool(), DATABASE_URL, STORAGE_ROOT, the framework logger', async () => {
    const post = await db.post.create({ data: {} });
    await markSilently(db, 'posts', [post.id]);
    const deleter = await startDeleter();
    try {
      await deleter.idle();
      expect(deleter.status).toBe('running');
      expect(await db.post.count()).toBe(0);
      expect(lines('deleter_started')[0]?.storageRoot).toBe(join(process.cwd(), 'storage'));
      expect(lines('record_deleted')).toHaveLength(1);
    } finally {
      await deleter.stop();
      await closeDbPool();
    }
  });

  it('stop() waits for the running pass and closes its session', async () => {
    const ids = (
      await db.$queryRaw<
        { id: number }[]
      >`INSERT INTO posts (updated_at) SELECT now() FROM generate_series(1, 150) RETURNING id`
    ).map((r) => r.id);
    await markSilently(db, 'posts', ids);
    const deleter = await start();
    await deleter.stop();
    expect(deleter.status).toBe('stopped');
    const left = await db.post.count();
    expect([50, 150]).toContain(left); // the first batch finished (or had not begun); no half batch
    const sessions = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
    expect(sessions[0]?.n).toBe(0);
  });
});
