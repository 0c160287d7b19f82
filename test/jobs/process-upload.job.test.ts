import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installRecordLocator } from '../../app/db/record-locator';
import { assertEnqueuedWith, executeJob, performEnqueuedJobs } from '../../app/framework/index';
import { createUpload, InvalidTagEditError } from '../../app/services/uploads/index';
import { ProcessUploadJob, UPLOAD_ATTEMPTS } from '../../jobs/process-upload.job';
import { testPrisma, useFreshDatabase } from '../support/database';
import { imageBytes } from '../support/images';

const db = testPrisma();
let root: string;
const previousRoot = process.env.STORAGE_ROOT;

beforeAll(async () => {
  installRecordLocator(db);
  root = await mkdtemp(join(tmpdir(), 'backlot-upload-job-'));
  process.env.STORAGE_ROOT = root; // read by env() in this file's module registry only
});
useFreshDatabase();
afterAll(async () => {
  if (previousRoot === undefined) delete process.env.STORAGE_ROOT;
  else process.env.STORAGE_ROOT = previousRoot;
  await rm(root, { recursive: true, force: true });
});

async function receivedFile(name: string, bytes: Buffer): Promise<string> {
  await mkdir(join(root, 'uploads/incoming'), { recursive: true });
  await writeFile(join(root, 'uploads/incoming', name), bytes);
  return `uploads/incoming/${name}`;
}

describe('ProcessUploadJob', () => {
  it('has a 10-minute timeout', () => {
    expect(ProcessUploadJob.timeout).toBe(600);
  });

  it('is enqueued by createUpload on the default queue and, run from it, makes the post', async () => {
    const sourceFile = await receivedFile('queued', await imageBytes({ format: 'gif' }));
    const { upload } = await createUpload(db, { uploaderId: null, sourceFile, tagString: 'Cat  cat sky' });
    expect(upload).toMatchObject({ status: 'pending', tagString: 'cat sky', rating: 'g' });
    expect(assertEnqueuedWith({ job: ProcessUploadJob, queue: 'default' }).job.serializedArguments).toEqual([
      { _bl: 'Record', v: { model: 'Upload', id: upload.id } },
    ]);

    await performEnqueuedJobs();
    const stored = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
    expect(stored.status).toBe('completed');
    expect(await db.post.findUniqueOrThrow({ where: { id: stored.postId ?? 0 } })).toMatchObject({
      fileExt: 'gif',
    });
  });

  it('refuses bad tags when the upload is made, before anything is recorded', async () => {
    await expect(
      createUpload(db, { uploaderId: null, sourceFile: 'x', tagString: 'ok -bad' }),
    ).rejects.toBeInstanceOf(InvalidTagEditError);
    expect(await db.upload.count()).toBe(0);
  });

  it(`retries a storage failure (${UPLOAD_ATTEMPTS} runs in all), then ends the upload in error and removes its files`, async () => {
    const sourceFile = await receivedFile('stuck', await imageBytes({ color: '#123456' }));
    const upload = await db.upload.create({ data: { sourceFile } });
    const blocker = join(root, 'thumbnails/uploads', String(upload.id));
    await mkdir(join(root, 'thumbnails/uploads'), { recursive: true });
    await writeFile(blocker, 'a file where the staging directory must go');
    const job = ProcessUploadJob.build(upload);
    const outcomes: string[] = [];
    for (;;) {
      const outcome = await executeJob(job);
      outcomes.push(outcome.status);
      if (outcome.status !== 'retry') break;
    }
    expect(outcomes).toEqual([...Array<string>(UPLOAD_ATTEMPTS - 1).fill('retry'), 'failed']);
    const stored = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
    expect(stored.status).toBe('error');
    expect(stored.errorMessage).toBe(
      `processing failed after ${UPLOAD_ATTEMPTS} run(s): cannot store upload ${upload.id}'s thumbnail and sample: EEXIST: file already exists, mkdir '${blocker}'`,
    );
    expect(existsSync(join(root, sourceFile))).toBe(false);
    expect(existsSync(blocker), 'the staging path is cleaned up').toBe(false);
  });

  it('ends a file that is not an image in error at once (no retry)', async () => {
    const sourceFile = await receivedFile('junk', Buffer.from('GIF89a but nothing else'));
    const upload = await db.upload.create({ data: { sourceFile } });
    const outcome = await executeJob(ProcessUploadJob.build(upload));
    expect(outcome.status).toBe('completed');
    expect(await db.upload.findUniqueOrThrow({ where: { id: upload.id } })).toMatchObject({
      status: 'error',
    });
  });
});
