import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { failStuckUploads, STUCK_UPLOAD_MESSAGE } from '../../app/services/maintenance/uploads';
import { PruneUploadsJob } from '../../jobs/prune-uploads.job';
import { testPrisma, useFreshDatabase } from '../support/database';
import { hoursAgo } from './fixtures';

const db = testPrisma();

useFreshDatabase();

async function upload(
  name: string,
  status: 'pending' | 'processing' | 'completed' | 'error',
  processingStartedAt: Date | null,
) {
  return db.upload.create({ data: { sourceFile: `/uploads/${name}`, status, processingStartedAt } });
}

async function statuses(): Promise<Record<string, string>> {
  const rows = await db.upload.findMany({ select: { sourceFile: true, status: true } });
  return Object.fromEntries(rows.map((r) => [r.sourceFile.replace('/uploads/', ''), r.status]));
}

describe('PruneUploadsJob', () => {
  it('marks uploads stuck processing for over 4 hours failed, in chunks, and keeps fresh ones and other statuses', async () => {
    await upload('stuck1', 'processing', hoursAgo(5));
    await upload('stuck2', 'processing', hoursAgo(30));
    await upload('stuck3', 'processing', hoursAgo(4.1));
    await upload('fresh', 'processing', hoursAgo(3.9));
    await upload('old_pending', 'pending', null);
    await upload('old_done', 'completed', hoursAgo(50));
    await upload('old_error', 'error', hoursAgo(50));

    expect(await PruneUploadsJob.performNow(4, 2)).toEqual({ failed: 3 });

    expect(await statuses()).toEqual({
      stuck1: 'failed',
      stuck2: 'failed',
      stuck3: 'failed',
      fresh: 'processing',
      old_pending: 'pending',
      old_done: 'completed',
      old_error: 'error',
    });
    const failed = await db.upload.findFirstOrThrow({ where: { sourceFile: '/uploads/stuck1' } });
    expect(failed.errorMessage).toBe(STUCK_UPLOAD_MESSAGE);
    expect(STUCK_UPLOAD_MESSAGE).toBe('processing did not finish within 4 hours');
  });

  it('judges uploads claimed before processing_started_at existed by updated_at', async () => {
    const old = await upload('legacy_old', 'processing', null);
    const recent = await upload('legacy_recent', 'processing', null);
    await db.$executeRaw`UPDATE uploads SET updated_at = ${hoursAgo(6)} WHERE id = ${old.id}`;
    await db.$executeRaw`UPDATE uploads SET updated_at = ${hoursAgo(1)} WHERE id = ${recent.id}`;

    expect(await PruneUploadsJob.performNow()).toEqual({ failed: 1 });
    expect(await statuses()).toEqual({ legacy_old: 'failed', legacy_recent: 'processing' });
  });

  it('removes a failed upload’s files and marks a post its dead job had made for deletion', async () => {
    const root = await mkdtemp(join(tmpdir(), 'backlot-prune-uploads-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    await mkdir(join(root, 'uploads/incoming'), { recursive: true });
    await writeFile(join(root, 'uploads/incoming/abc'), 'received bytes');
    const post = await db.post.create({ data: { md5: 'half-made' } });
    const stuck = await db.upload.create({
      data: {
        sourceFile: 'uploads/incoming/abc',
        status: 'processing',
        processingStartedAt: hoursAgo(5),
        postId: post.id,
      },
    });
    await mkdir(join(root, 'thumbnails/uploads', String(stuck.id)), { recursive: true });

    expect(await failStuckUploads(db, { storageRoot: root })).toBe(1);
    expect(await db.upload.findUniqueOrThrow({ where: { id: stuck.id } })).toMatchObject({
      status: 'failed',
      postId: null,
    });
    expect(existsSync(join(root, 'uploads/incoming/abc'))).toBe(false);
    expect(existsSync(join(root, 'thumbnails/uploads', String(stuck.id)))).toBe(false);
    expect((await db.post.findUniqueOrThrow({ where: { id: post.id } })).deletionRequestedAt).toBeInstanceOf(
      Date,
    );
  });
});
