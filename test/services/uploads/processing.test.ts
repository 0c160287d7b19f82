import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tagNamesByPost } from '../../../app/db/post.repository';
import { JobCanceledError, JobTimeoutError, WorkerShutdownError } from '../../../app/framework/index';
import { postFilePaths, SAMPLE_WIDTH, THUMBNAIL_SIZE } from '../../../app/services/posts/post-files';
import { uploadFiles } from '../../../app/services/uploads/files';
import { UploadStorageError } from '../../../app/services/uploads/files';
import { failUpload, hashFile, processUpload } from '../../../app/services/uploads/processing';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';
import { imageBytes } from '../../support/images';

const db = testPrisma();
let dir: string;
let big: string;
const bigContent = Buffer.alloc(40 * 1024 * 1024, 7); // 40 MiB: several progress reports
let root: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backlot-hash-'));
  big = join(dir, 'big.bin');
  await writeFile(big, bigContent);
});
beforeEach(async () => {
  await truncateAll();
  root = await mkdtemp(join(tmpdir(), 'backlot-storage-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await disconnectTestPrisma();
});

/** A received file under the storage root, as upload-intake stores it; resolves the upload. */
async function received(bytes: Buffer, data: { tagString?: string; rating?: 's' | 'g' } = {}) {
  const sourceFile = `uploads/incoming/${createHash('md5').update(bytes).digest('hex')}-${Math.random()}`;
  await mkdir(join(root, 'uploads/incoming'), { recursive: true });
  await writeFile(join(root, sourceFile), bytes);
  return db.upload.create({ data: { sourceFile, ...data } });
}

describe('hashFile', () => {
  it('streams the file through md5, reporting bytes as it goes', async () => {
    const reports: number[] = [];
    const digest = await hashFile(big, { onBytes: (n) => void reports.push(n) });
    expect(digest).toEqual({
      md5: createHash('md5').update(bigContent).digest('hex'),
      size: bigContent.length,
    });
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports).toEqual([...reports].sort((a, b) => a - b));
  });

  it('stops with the signal’s reason when aborted while reading', async () => {
    const controller = new AbortController();
    const reason = new JobTimeoutError('timed out after 10m');
    await expect(
      hashFile(big, { signal: controller.signal, onBytes: () => controller.abort(reason) }),
    ).rejects.toBe(reason);
  });
});

describe('processUpload', () => {
  it('creates the post: md5, size, type, dimensions, rating, uploader’s tags, thumbnail and sample', async () => {
    const user = await db.user.create({ data: { name: 'uploader' } });
    const bytes = await imageBytes({ width: 1200, height: 600, format: 'png' });
    const upload = await received(bytes, { tagString: 'smile 1girl', rating: 's' });
    await db.upload.update({ where: { id: upload.id }, data: { uploaderId: user.id } });
    const md5 = createHash('md5').update(bytes).digest('hex');

    const result = await processUpload(db, upload.id, { storageRoot: root });

    expect(result).toMatchObject({ status: 'completed', uploadId: upload.id, fileSize: bytes.length, md5 });
    if (result.status !== 'completed') return;
    const post = await db.post.findUniqueOrThrow({ where: { id: result.postId } });
    expect(post).toMatchObject({
      md5,
      rating: 's',
      fileExt: 'png',
      imageWidth: 1200,
      imageHeight: 600,
      fileSize: bytes.length,
      uploaderId: user.id,
    });
    expect((await tagNamesByPost(db, [post.id])).get(post.id)).toEqual(['1girl', 'smile']);
    expect(await db.upload.findUniqueOrThrow({ where: { id: upload.id } })).toMatchObject({
      status: 'completed',
      postId: post.id,
      md5,
      fileSize: BigInt(bytes.length),
      errorMessage: null,
    });

    const paths = postFilePaths(root, post.id, 'png');
    expect(existsSync(paths.original)).toBe(true);
    expect(await sharp(paths.thumbnail).metadata()).toMatchObject({
      format: 'webp',
      width: THUMBNAIL_SIZE,
      height: 90,
    });
    expect(await sharp(paths.sample).metadata()).toMatchObject({
      format: 'jpeg',
      width: SAMPLE_WIDTH,
      height: 425,
    });
    const files = uploadFiles(root, upload);
    expect(existsSync(files.source), 'the received file is removed').toBe(false);
    expect(existsSync(files.stagingDir), 'the staging directory is removed').toBe(false);
  });

  it('never enlarges a small image', async () => {
    const upload = await received(await imageBytes({ width: 40, height: 30, format: 'jpeg' }));
    const result = await processUpload(db, upload.id, { storageRoot: root });
    if (result.status !== 'completed') throw new Error(`not completed: ${JSON.stringify(result)}`);
    const paths = postFilePaths(root, result.postId, 'jpg');
    expect(await sharp(paths.thumbnail).metadata()).toMatchObject({ width: 40, height: 30 });
    expect(await sharp(paths.sample).metadata()).toMatchObject({ width: 40, height: 30 });
  });

  it('refuses a duplicate with the existing post’s id, and removes the upload’s files', async () => {
    const bytes = await imageBytes({ color: '#aa0000' });
    const first = await processUpload(db, (await received(bytes)).id, { storageRoot: root });
    if (first.status !== 'completed') throw new Error('first upload not completed');
    const second = await received(bytes);

    expect(await processUpload(db, second.id, { storageRoot: root })).toEqual({
      status: 'error',
      uploadId: second.id,
      errorMessage: `Duplicate of post #${first.postId}`,
      postId: first.postId,
    });
    expect(await db.upload.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      status: 'error',
      errorMessage: `Duplicate of post #${first.postId}`,
      postId: first.postId,
    });
    expect(await db.post.count()).toBe(1);
    expect(existsSync(uploadFiles(root, second).source)).toBe(false);
    expect(existsSync(uploadFiles(root, second).stagingDir)).toBe(false);
  });

  it('ends a corrupt image in error with libvips’ reason, creates no post and removes its files', async () => {
    const png = await imageBytes({ width: 300, height: 300 });
    for (const bytes of [Buffer.from('definitely not an image'), png.subarray(0, 120)]) {
      const upload = await received(bytes);
      const result = await processUpload(db, upload.id, { storageRoot: root });
      expect(result.status).toBe('error');
      const stored = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
      expect(stored.status).toBe('error');
      expect(stored.errorMessage).toMatch(/^(not an image|cannot decode the image): ./);
      expect(existsSync(uploadFiles(root, upload).source)).toBe(false);
      expect(existsSync(uploadFiles(root, upload).stagingDir)).toBe(false);
    }
    expect(await db.post.count()).toBe(0);
  });

  it('refuses an image type other than jpeg, png, gif or webp', async () => {
    const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .tiff()
      .toBuffer();
    const upload = await received(tiff);
    expect(await processUpload(db, upload.id, { storageRoot: root })).toMatchObject({
      status: 'error',
      errorMessage: 'unsupported image type tiff (jpeg, png, gif or webp only)',
    });
  });

  it('throws UploadStorageError when the post’s files cannot be written, keeping the upload processing for a retry', async () => {
    const upload = await received(await imageBytes({ color: '#00aa00' }));
    await writeFile(join(root, 'originals'), 'a file where a directory must go'); // mkdir: EEXIST/ENOTDIR
    await expect(processUpload(db, upload.id, { storageRoot: root })).rejects.toBeInstanceOf(
      UploadStorageError,
    );
    const stored = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
    expect(stored.status).toBe('processing');
    expect(existsSync(uploadFiles(root, upload).source), 'kept for the retry').toBe(true);

    // The retry once storage works again finds the post it made and completes it.
    await rm(join(root, 'originals'));
    const retried = await processUpload(db, upload.id, { storageRoot: root });
    expect(retried).toMatchObject({ status: 'completed', postId: stored.postId });
    expect(await db.post.count()).toBe(1);
  });

  it('failUpload (retries exhausted) ends the upload in error, removes its files and marks the post it made for deletion', async () => {
    const upload = await received(await imageBytes({ color: '#0000aa' }));
    await writeFile(join(root, 'originals'), 'in the way');
    await expect(processUpload(db, upload.id, { storageRoot: root })).rejects.toBeInstanceOf(
      UploadStorageError,
    );
    const postId = (await db.upload.findUniqueOrThrow({ where: { id: upload.id } })).postId;
    expect(postId).not.toBeNull();

    expect(
      await failUpload(db, upload.id, 'processing failed after 4 run(s): cannot store', {
        storageRoot: root,
      }),
    ).toBe(true);
    expect(await db.upload.findUniqueOrThrow({ where: { id: upload.id } })).toMatchObject({
      status: 'error',
      errorMessage: 'processing failed after 4 run(s): cannot store',
      postId: null,
    });
    expect(
      (await db.post.findUniqueOrThrow({ where: { id: postId ?? 0 } })).deletionRequestedAt,
    ).toBeInstanceOf(Date);
    expect(existsSync(uploadFiles(root, upload).source)).toBe(false);
    expect(await failUpload(db, upload.id, 'again', { storageRoot: root }), 'only a processing upload').toBe(
      false,
    );
  });

  it('leaves an upload that is no longer pending alone', async () => {
    const upload = await db.upload.create({ data: { sourceFile: 'x', status: 'completed', md5: 'abc' } });
    expect(await processUpload(db, upload.id, { storageRoot: root })).toEqual({
      status: 'skipped',
      uploadId: upload.id,
      reason: 'upload is completed',
    });
  });

  it('records status error with the reason when the file cannot be read', async () => {
    const upload = await db.upload.create({ data: { sourceFile: 'uploads/incoming/missing' } });
    const result = await processUpload(db, upload.id, { storageRoot: root });
    expect(result).toMatchObject({ status: 'error', uploadId: upload.id });
    const stored = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
    expect(stored.errorMessage).toMatch(/^cannot read uploads\/incoming\/missing: ENOENT/);
  });
});

describe('processUpload when the job is stopped', () => {
  /** A valid JPEG followed by 40 MiB the decoder never reads, so hashing reports progress. */
  async function bigUpload() {
    const jpeg = await imageBytes({
      format: 'jpeg',
      color: `#${Math.floor(Math.random() * 0xffffff)
        .toString(16)
        .padStart(6, '0')}`,
    });
    return received(Buffer.concat([jpeg, bigContent]));
  }

  it('records status error on a timeout or cancel', async () => {
    for (const reason of [
      new JobTimeoutError('timed out after 10m'),
      new JobCanceledError('canceled by admin'),
    ]) {
      const upload = await bigUpload();
      const controller = new AbortController();
      await expect(
        processUpload(db, upload.id, {
          storageRoot: root,
          signal: controller.signal,
          onProgress: (p) => void (p.bytesDone > 0 && controller.abort(reason)),
        }),
      ).rejects.toBe(reason);
      expect(await db.upload.findUniqueOrThrow({ where: { id: upload.id } })).toMatchObject({
        status: 'error',
        errorMessage: `processing stopped: ${reason.message}`,
        md5: null,
      });
    }
  });

  it('leaves the upload processing on a worker shutdown, and the requeued run completes it', async () => {
    const upload = await bigUpload();
    const controller = new AbortController();
    const reason = new WorkerShutdownError('worker shutting down');
    await expect(
      processUpload(db, upload.id, {
        storageRoot: root,
        signal: controller.signal,
        onProgress: (p) => void (p.bytesDone > 0 && controller.abort(reason)),
      }),
    ).rejects.toBe(reason);
    expect((await db.upload.findUniqueOrThrow({ where: { id: upload.id } })).status).toBe('processing');

    expect(await processUpload(db, upload.id, { storageRoot: root })).toMatchObject({ status: 'completed' });
  });
});
