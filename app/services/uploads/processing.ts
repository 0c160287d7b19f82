/**
 * Processing one upload (ProcessUploadJob): claim, hash, record. See ./index.ts for the statuses.
 *
 * Example: await processUpload(prisma(), 12, { signal, onProgress: (p) => job.reportProgress(p) })
 *          // { status: 'completed', uploadId: 12, fileSize: 52311, md5: '9e10...' }
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { AppPrismaClient } from '../../db/client';
import { WorkerShutdownError } from '../../framework/index';

/** Bytes read per chunk of the file stream. @defaultValue 1 MiB */
export const HASH_CHUNK_BYTES = 1024 * 1024;
/** Progress is reported after at least this many more bytes. @defaultValue 16 MiB */
export const PROGRESS_EVERY_BYTES = 16 * 1024 * 1024;

export interface FileDigest {
  md5: string;
  size: number;
}

export interface HashOptions {
  signal?: AbortSignal;
  /** Called with bytes read so far, about every PROGRESS_EVERY_BYTES. */
  onBytes?: (bytesRead: number) => void | Promise<void>;
}

/** The md5 (hex) and size of a file, streamed. Rejects with the file error, or the signal's reason. */
export async function hashFile(path: string, options: HashOptions = {}): Promise<FileDigest> {
  const { signal, onBytes } = options;
  signal?.throwIfAborted();
  const hash = createHash('md5');
  let size = 0;
  let reported = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: HASH_CHUNK_BYTES, signal })) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      size += bytes.length;
      if (onBytes && size - reported >= PROGRESS_EVERY_BYTES) {
        reported = size;
        await onBytes(size);
      }
    }
  } catch (error) {
    if (signal?.aborted)
      throw signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
    throw error;
  }
  return { md5: hash.digest('hex'), size };
}

export type ProcessUploadResult =
  | { status: 'completed'; uploadId: number; fileSize: number; md5: string }
  | { status: 'error'; uploadId: number; errorMessage: string }
  /** Not pending or processing (already completed, failed, missing): nothing done. */
  | { status: 'skipped'; uploadId: number; reason: string };

export interface ProcessUploadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { bytesDone: number; bytesTotal: number }) => void | Promise<void>;
}

type UploadClient = Pick<AppPrismaClient, '$queryRaw' | '$executeRaw'>;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function recordError(client: UploadClient, uploadId: number, errorMessage: string): Promise<void> {
  await client.$executeRaw`
    UPDATE uploads SET status = 'error', error_message = ${errorMessage}, updated_at = now()
    WHERE id = ${uploadId} AND status = 'processing'`;
}

export async function processUpload(
  client: UploadClient,
  uploadId: number,
  options: ProcessUploadOptions = {},
): Promise<ProcessUploadResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  const claimed = await client.$queryRaw<Array<{ source_file: string }>>`
    UPDATE uploads SET status = 'processing', processing_started_at = now(), error_message = NULL, updated_at = now()
    WHERE id = ${uploadId} AND status IN ('pending', 'processing')
    RETURNING source_file`;
  const sourceFile = claimed[0]?.source_file;
  if (sourceFile === undefined) {
    const rows = await client.$queryRaw<
      Array<{ status: string }>
    >`SELECT status::text AS status FROM uploads WHERE id = ${uploadId}`;
    return {
      status: 'skipped',
      uploadId,
      reason: rows[0] ? `upload is ${rows[0].status}` : 'upload no longer exists',
    };
  }
  let digest: FileDigest;
  try {
    const bytesTotal = (await stat(sourceFile)).size;
    await options.onProgress?.({ bytesDone: 0, bytesTotal });
    digest = await hashFile(sourceFile, {
      signal,
      onBytes: (bytesDone) => options.onProgress?.({ bytesDone, bytesTotal }),
    });
  } catch (error) {
    if (signal?.aborted) {
      // Shutdown: the job goes back to the queue and claims the upload again; anything else ends it.
      if (!(signal.reason instanceof WorkerShutdownError))
        await recordError(client, uploadId, `processing stopped: ${message(signal.reason)}`);
      throw error;
    }
    const errorMessage = `cannot read ${sourceFile}: ${message(error)}`;
    await recordError(client, uploadId, errorMessage);
    return { status: 'error', uploadId, errorMessage };
  }
  await client.$executeRaw`
    UPDATE uploads SET status = 'completed', file_size = ${digest.size}, md5 = ${digest.md5}, error_message = NULL, updated_at = now()
    WHERE id = ${uploadId} AND status = 'processing'`;
  return { status: 'completed', uploadId, fileSize: digest.size, md5: digest.md5 };
}
