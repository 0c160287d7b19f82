/**
 * Processing one upload (ProcessUploadJob): claim, hash, read the image, render its thumbnail and
 * sample, create the post. See ./index.ts for the statuses.
 *
 * Steps of processUpload:
 *   1. claim the upload (one UPDATE from pending, or from processing when a worker shutdown or a
 *      retry runs the job again) and announce `processing`;
 *   2. stream the file through md5 (never read whole into memory), honouring the signal and
 *      reporting bytes; a file that cannot be read ends the upload in `error`;
 *   3. read the image's type and size (sharp) and render the thumbnail and sample into the
 *      upload's staging directory; an image sharp cannot read ends the upload in `error` with
 *      libvips' reason;
 *   4. create the post (./post-creation.ts): a duplicate md5 ends the upload in `error` with
 *      "Duplicate of post #N" and post_id = N; a storage failure is rethrown for the job to retry;
 *   5. record completed (size, md5, post_id), remove the source file and staging directory.
 * Every end in `error` removes the upload's files (./files.ts) and announces the status with the
 * reason. An abort (cancel, timeout) is recorded as error and rethrown; a worker shutdown leaves
 * the upload processing for the requeued job to claim again.
 *
 * Example: await processUpload(prisma(), 12, { signal, onProgress: (p) => job.reportProgress(p) })
 *          // { status: 'completed', uploadId: 12, fileSize: 52311, md5: '9e10...', postId: 41 }
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import type { AppPrismaClient } from '../../db/client';
import type { PostRating } from '../../db/generated/enums';
import { backlotSettings, WorkerShutdownError } from '../../framework/index';
import { env } from '../../../config/env';
import { markPostForDeletion, RecordNotFoundError } from '../deletion/marking';
import { InvalidTagEditError } from '../posts/tag-edit';
import { announceUploadStatus } from './events';
import { removeUploadFiles, storing, uploadFiles } from './files';
import { InvalidImageError, probeImage, writeDerivatives, type ImageInfo } from './image';
import { createPostFromUpload, DuplicateUploadError } from './post-creation';

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
  | { status: 'completed'; uploadId: number; fileSize: number; md5: string; postId: number }
  | { status: 'error'; uploadId: number; errorMessage: string; postId?: number }
  /** Not pending or processing (already completed, failed, missing): nothing done. */
  | { status: 'skipped'; uploadId: number; reason: string };

export interface ProcessUploadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { bytesDone: number; bytesTotal: number }) => void | Promise<void>;
  /** @defaultValue env().STORAGE_ROOT */
  storageRoot?: string;
}

type UploadClient = Pick<
  AppPrismaClient,
  '$queryRaw' | '$queryRawUnsafe' | '$executeRaw' | '$executeRawUnsafe' | 'tag' | '$transaction'
>;

interface ClaimedUpload {
  id: number;
  sourceFile: string;
  uploaderId: number | null;
  tagString: string;
  rating: PostRating;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function claim(client: UploadClient, uploadId: number): Promise<ClaimedUpload | undefined> {
  const rows = await client.$queryRaw<
    Array<{ source_file: string; uploader_id: number | null; tag_string: string; rating: PostRating }>
  >`
    UPDATE uploads SET status = 'processing', processing_started_at = now(), error_message = NULL, updated_at = now()
    WHERE id = ${uploadId} AND status IN ('pending', 'processing')
    RETURNING source_file, uploader_id, tag_string, rating::text AS rating`;
  const row = rows[0];
  return row
    ? {
        id: uploadId,
        sourceFile: row.source_file,
        uploaderId: row.uploader_id,
        tagString: row.tag_string,
        rating: row.rating,
      }
    : undefined;
}

/**
 * Ends an upload in `error` with the reason (and the post it duplicates), removes its files and
 * announces it. Only an upload still processing is changed. A post this upload had already
 * created (its files or tags failed) is marked for deletion, so the deleter removes it and its
 * files. Used by ProcessUploadJob when its retries run out, too.
 */
export async function failUpload(
  client: Pick<AppPrismaClient, '$queryRaw' | '$queryRawUnsafe'>,
  uploadId: number,
  errorMessage: string,
  options: { postId?: number; storageRoot?: string } = {},
): Promise<boolean> {
  const duplicateOf = options.postId ?? null;
  const rows = await client.$queryRaw<Array<{ source_file: string; own_post_id: number | null }>>`
    WITH before AS (SELECT post_id FROM uploads WHERE id = ${uploadId})
    UPDATE uploads SET status = 'error', error_message = ${errorMessage}, post_id = ${duplicateOf}::int, updated_at = now()
    WHERE id = ${uploadId} AND status = 'processing'
    RETURNING source_file, (SELECT post_id FROM before) AS own_post_id`;
  const row = rows[0];
  if (!row) return false;
  await discardUploadLeftovers(
    client,
    { id: uploadId, sourceFile: row.source_file, ownPostId: row.own_post_id },
    {
      keepPostId: duplicateOf,
      storageRoot: options.storageRoot,
    },
  );
  announceUploadStatus(uploadId, 'error', errorMessage);
  return true;
}

/**
 * What an upload that ended without a post leaves behind: its files (source, staging directory)
 * are removed, and a post it had already created (`ownPostId`, unless that is `keepPostId`, the
 * post a duplicate matched) is marked for deletion, so the deleter removes it with its files.
 * PruneUploadsJob calls it for uploads it fails, too.
 */
export async function discardUploadLeftovers(
  client: Pick<AppPrismaClient, '$queryRawUnsafe'>,
  upload: { id: number; sourceFile: string; ownPostId: number | null },
  options: { keepPostId?: number | null; storageRoot?: string } = {},
): Promise<void> {
  if (upload.ownPostId !== null && upload.ownPostId !== options.keepPostId)
    await markPostForDeletion(client, upload.ownPostId).catch((error: unknown) => {
      if (!(error instanceof RecordNotFoundError)) throw error;
    });
  await cleanUp(upload.id, upload.sourceFile, options.storageRoot ?? env().STORAGE_ROOT);
}

async function cleanUp(uploadId: number, sourceFile: string, root: string): Promise<void> {
  try {
    await removeUploadFiles(root, { id: uploadId, sourceFile });
  } catch (error) {
    backlotSettings().logger.warn(
      { err: error, uploadId },
      `upload ${uploadId}: could not remove its files: ${message(error)}`,
    );
  }
}

export async function processUpload(
  client: UploadClient,
  uploadId: number,
  options: ProcessUploadOptions = {},
): Promise<ProcessUploadResult> {
  const { signal } = options;
  const root = options.storageRoot ?? env().STORAGE_ROOT;
  signal?.throwIfAborted();
  const upload = await claim(client, uploadId);
  if (!upload) {
    const rows = await client.$queryRaw<
      Array<{ status: string }>
    >`SELECT status::text AS status FROM uploads WHERE id = ${uploadId}`;
    return {
      status: 'skipped',
      uploadId,
      reason: rows[0] ? `upload is ${rows[0].status}` : 'upload no longer exists',
    };
  }
  announceUploadStatus(uploadId, 'processing');
  const files = uploadFiles(root, upload);
  const fail = async (errorMessage: string, postId?: number): Promise<ProcessUploadResult> => {
    await failUpload(client, uploadId, errorMessage, { postId, storageRoot: root });
    return { status: 'error', uploadId, errorMessage, ...(postId !== undefined ? { postId } : {}) };
  };

  let digest: FileDigest;
  try {
    const bytesTotal = (await stat(files.source)).size;
    await options.onProgress?.({ bytesDone: 0, bytesTotal });
    digest = await hashFile(files.source, {
      signal,
      onBytes: (bytesDone) => options.onProgress?.({ bytesDone, bytesTotal }),
    });
  } catch (error) {
    if (signal?.aborted) {
      // Shutdown: the job goes back to the queue and claims the upload again; anything else ends it.
      if (!(signal.reason instanceof WorkerShutdownError))
        await failUpload(client, uploadId, `processing stopped: ${message(signal.reason)}`, {
          storageRoot: root,
        });
      throw error;
    }
    return fail(`cannot read ${upload.sourceFile}: ${message(error)}`);
  }

  let image: ImageInfo;
  let postId: number;
  try {
    image = await probeImage(files.source);
    await storing(`upload ${uploadId}'s thumbnail and sample`, async () => {
      await mkdir(files.stagingDir, { recursive: true });
      await writeDerivatives(files.source, files.thumbnail, files.sample);
    });
    signal?.throwIfAborted();
    ({ postId } = await createPostFromUpload(client, {
      upload,
      md5: digest.md5,
      size: digest.size,
      image,
      files,
      root,
    }));
  } catch (error) {
    if (error instanceof InvalidImageError || error instanceof InvalidTagEditError)
      return fail(error.message);
    if (error instanceof DuplicateUploadError) return fail(error.message, error.postId);
    if (signal?.aborted && !(signal.reason instanceof WorkerShutdownError))
      await failUpload(client, uploadId, `processing stopped: ${message(signal.reason)}`, {
        storageRoot: root,
      });
    throw error;
  }

  await client.$executeRaw`
    UPDATE uploads SET status = 'completed', file_size = ${digest.size}, md5 = ${digest.md5}, post_id = ${postId},
      error_message = NULL, updated_at = now()
    WHERE id = ${uploadId} AND status = 'processing'`;
  await cleanUp(uploadId, upload.sourceFile, root);
  announceUploadStatus(uploadId, 'completed');
  return { status: 'completed', uploadId, fileSize: digest.size, md5: digest.md5, postId };
}
