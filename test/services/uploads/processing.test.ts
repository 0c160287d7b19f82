import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobCanceledError, JobTimeoutError, WorkerShutdownError } from '../../../app/framework/index';
import { hashFile, processUpload } from '../../../app/services/uploads/processing';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';

const db = testPrisma();
let dir: string;
let file: string;
const content = Buffer.alloc(40 * 1024 * 1024, 7); // 40 MiB: several progress reports

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backlot-hash-'));
  file = join(dir, 'big.bin');
  await writeFile(file, content);
});
beforeEach(() => truncateAll());
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await disconnectTestPrisma();
});

describe('hashFile', () => {
  it('streams the file through md5, reporting bytes as it goes', async () => {
    const reports: number[] = [];
    const digest = await hashFile(file, { onBytes: (n) => void reports.push(n) });
    expect(digest).toEqual({ md5: createHash('md5').update(content).digest('hex'), size: content.length });
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports).toEqual([...reports].sort((a, b) => a - b));
  });

  it('stops with the signal’s reason when aborted while reading', async () => {
    const controller = new AbortController();
    const reason = new JobTimeoutError('timed out after 10m');
    await expect(
      hashFile(file, { signal: controller.signal, onBytes: () => controller.abort(reason) }),
    ).rejects.toBe(reason);
  });
});

describe('processUpload when the job is stopped', () => {
  it('records status error on a timeout or cancel', async () => {
    for (const reason of [
      new JobTimeoutError('timed out after 10m'),
      new JobCanceledError('canceled by admin'),
    ]) {
      const upload = await db.upload.create({ data: { sourceFile: file } });
      const controller = new AbortController();
      await expect(
        processUpload(db, upload.id, {
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
    const upload = await db.upload.create({ data: { sourceFile: file } });
    const controller = new AbortController();
    const reason = new WorkerShutdownError('worker shutting down');
    await expect(
      processUpload(db, upload.id, {
        signal: controller.signal,
        onProgress: (p) => void (p.bytesDone > 0 && controller.abort(reason)),
      }),
    ).rejects.toBe(reason);
    expect((await db.upload.findUniqueOrThrow({ where: { id: upload.id } })).status).toBe('processing');

    expect(await processUpload(db, upload.id)).toMatchObject({
      status: 'completed',
      fileSize: content.length,
    });
  });
});
