import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installRecordLocator } from '../../app/db/record-locator';
import { assertEnqueuedWith, performEnqueuedJobs } from '../../app/framework/index';
import { createUpload } from '../../app/services/uploads/index';
import { ProcessUploadJob } from '../../jobs/process-upload.job';
import { testPrisma, useFreshDatabase } from '../support/database';
import { createUser } from './fixtures';

const db = testPrisma();
let dir: string;

beforeAll(async () => {
  installRecordLocator(db);
  dir = await mkdtemp(join(tmpdir(), 'backlot-upload-'));
});
useFreshDatabase();
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ProcessUploadJob', () => {
  it('has a 10-minute timeout', () => {
    expect(ProcessUploadJob.timeout).toBe(600);
  });

  it('hashes the uploaded file (streaming md5) and records its size, md5 and status completed', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17); // several stream chunks
    const file = join(dir, 'image.jpg');
    await writeFile(file, content);
    const user = await createUser(db, 'uploader');
    const upload = await db.upload.create({ data: { uploaderId: user.id, sourceFile: file } });
    const md5 = createHash('md5').update(content).digest('hex');

    const result = await ProcessUploadJob.performNow(upload);

    expect(result).toEqual({ status: 'completed', uploadId: upload.id, fileSize: content.length, md5 });
    const stored = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
    expect(stored).toMatchObject({
      status: 'completed',
      fileSize: BigInt(content.length),
      md5,
      errorMessage: null,
    });
    expect(stored.processingStartedAt).toBeInstanceOf(Date);
  });

  it('records status error with the reason when the file cannot be read', async () => {
    const file = join(dir, 'missing.png');
    const upload = await db.upload.create({ data: { uploaderId: null, sourceFile: file } });

    const result = await ProcessUploadJob.performNow(upload);

    expect(result).toMatchObject({ status: 'error', uploadId: upload.id });
    const stored = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
    expect(stored.status).toBe('error');
    expect(stored.errorMessage).toMatch(/^cannot read .*missing\.png: ENOENT/);
    expect(stored.md5).toBeNull();
  });

  it('leaves an upload that is no longer pending alone', async () => {
    const upload = await db.upload.create({
      data: { sourceFile: join(dir, 'x'), status: 'completed', md5: 'abc' },
    });
    expect(await ProcessUploadJob.performNow(upload)).toEqual({
      status: 'skipped',
      uploadId: upload.id,
      reason: 'upload is completed',
    });
    expect(await db.upload.findUniqueOrThrow({ where: { id: upload.id } })).toMatchObject({
      status: 'completed',
      md5: 'abc',
    });
  });

  it('is enqueued by createUpload and runs from the queue with the upload by reference', async () => {
    const file = join(dir, 'queued.gif');
    await writeFile(file, 'GIF89a');
    const { upload } = await createUpload(db, { uploaderId: null, sourceFile: file });
    expect(upload.status).toBe('pending');
    expect(assertEnqueuedWith({ job: ProcessUploadJob, queue: 'default' }).job.serializedArguments).toEqual([
      { _bl: 'Record', v: { model: 'Upload', id: upload.id } },
    ]);

    await performEnqueuedJobs();
    expect(await db.upload.findUniqueOrThrow({ where: { id: upload.id } })).toMatchObject({
      status: 'completed',
      fileSize: 6n,
      md5: createHash('md5').update('GIF89a').digest('hex'),
    });
  });
});
