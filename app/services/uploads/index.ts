/**
 * Uploads: recording a received file and processing it (hashing), plus the rule for uploads stuck
 * in processing.
 *
 * Statuses: pending (recorded, job enqueued) -> processing (claimed by ProcessUploadJob, with
 * processing_started_at) -> completed (file_size and md5 recorded) or error (error_message says
 * why: missing or unreadable file, canceled, timed out). PruneUploadsJob marks uploads still
 * processing 4 hours after processing started `failed` (their job died without a trace).
 *
 * Steps of processUpload: claim the upload (one UPDATE from pending, or from processing when a
 * worker shutdown requeued the job); stream the file through md5 (never read whole into memory),
 * honouring the signal and reporting bytes; record size, md5 and completed. A file error is
 * recorded as status error and resolved (retrying cannot make a missing file appear); an abort
 * (cancel, timeout) is recorded as error and rethrown; a worker shutdown leaves the upload
 * processing for the requeued job to claim again.
 *
 * Example:
 *   const { upload } = await createUpload(prisma(), { uploaderId: user.id, sourceFile: '/data/incoming/abc.jpg' });
 *   // the worker: await processUpload(prisma(), upload.id, { signal })
 */
import type { AppPrismaClient } from '../../db/client';
import type { Upload } from '../../db/generated/client';
import { ProcessUploadJob } from '../../../jobs/process-upload.job';

export interface CreateUploadInput {
  uploaderId: number | null;
  /** Path of the received file on the server's disk. */
  sourceFile: string;
}

/** Records an upload (pending) and enqueues ProcessUploadJob for it. */
export async function createUpload(
  client: Pick<AppPrismaClient, 'upload'>,
  input: CreateUploadInput,
): Promise<{ upload: Upload; job: ProcessUploadJob }> {
  const upload = await client.upload.create({
    data: { uploaderId: input.uploaderId, sourceFile: input.sourceFile },
  });
  const job = await ProcessUploadJob.performLater(upload);
  return { upload, job };
}

export { hashFile, processUpload, type FileDigest, type ProcessUploadResult } from './processing';
export { createPostWithTags, type NewPostInput } from './post-creation';
