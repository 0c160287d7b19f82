/**
 * Uploads: recording a received file and processing it into a post, plus the rule for uploads
 * stuck in processing.
 *
 * Statuses: pending (recorded, job enqueued) -> processing (claimed by ProcessUploadJob, with
 * processing_started_at) -> completed (file_size, md5 and post_id recorded) or error
 * (error_message says why: unreadable file, not an image, "Duplicate of post #N" as in Danbooru (post_id = N),
 * canceled, timed out, storage failing after every retry). PruneUploadsJob marks uploads still
 * processing 4 hours after processing started `failed` (their job died without a trace).
 *
 * Steps of createUpload: check the uploader's tags (the rules of a post edit, so a bad tag is
 * refused now, with InvalidTagEditError, rather than in the job); record the upload (pending);
 * enqueue ProcessUploadJob. The request that received the file returns after that.
 *
 * Example:
 *   const { upload } = await createUpload(prisma(), {
 *     uploaderId: user.id, sourceFile: 'uploads/incoming/3f9c...', tagString: '1girl smile', rating: 's',
 *   });
 *   // the worker: await processUpload(prisma(), upload.id, { signal })
 */
import type { AppPrismaClient } from '../../db/client';
import type { Upload } from '../../db/generated/client';
import type { PostRating } from '../../db/generated/enums';
import { transaction } from '../../framework/index';
import { ProcessUploadJob } from '../../../jobs/process-upload.job';
import { checkTagEdit } from '../posts/tag-edit';

export interface CreateUploadInput {
  uploaderId: number | null;
  /** Path of the received file: relative to STORAGE_ROOT (uploads/incoming/...), or absolute. */
  sourceFile: string;
  /** The post's tags, space-separated. @defaultValue '' */
  tagString?: string;
  /** @defaultValue 'g' */
  rating?: PostRating;
}

/**
 * Records an upload (pending) and enqueues ProcessUploadJob for it in the same transaction (the
 * job outbox, through the transaction scope), so no upload stays pending for want of its job.
 */
export async function createUpload(
  client: Pick<AppPrismaClient, '$queryRawUnsafe' | '$transaction'>,
  input: CreateUploadInput,
): Promise<{ upload: Upload; job: ProcessUploadJob }> {
  const tags = await checkTagEdit(client, input.tagString ?? '');
  return transaction(client, async (tx) => {
    const upload = await tx.upload.create({
      data: {
        uploaderId: input.uploaderId,
        sourceFile: input.sourceFile,
        tagString: tags.join(' '),
        rating: input.rating ?? 'g',
      },
    });
    const job = await ProcessUploadJob.performLater(upload); // staged: commits with the upload
    return { upload, job };
  });
}

export { hashFile, processUpload, failUpload, type FileDigest, type ProcessUploadResult } from './processing';
export { INCOMING_DIR, UploadStorageError } from './files';
export { InvalidImageError } from './image';
export { DuplicateUploadError } from './post-creation';
export { InvalidTagEditError } from '../posts/tag-edit';
