/**
 * ProcessUploadJob(upload) (default queue): turns an upload into a post: md5 (streamed), the
 * image's type and size, a thumbnail and a sample (sharp), the post with the uploader's tags and
 * rating. Enqueued by createUpload (app/services/uploads/index.ts); the steps are processUpload's
 * (app/services/uploads/processing.ts).
 *
 * Outcomes: a file that is not a readable jpeg/png/gif/webp, or a duplicate of an existing post,
 * ends the upload in `error` with the reason and the job completes (retrying cannot change
 * them). A storage failure (UploadStorageError: disk full, permissions) is retried up to
 * UPLOAD_ATTEMPTS runs in all, about 3 s, 18 s, 83 s apart (polynomially longer); when they run out,
 * or anything else fails the job for good, the upload ends in `error` with that reason and its
 * files are removed (afterDiscard).
 *
 * Limits: 10 minutes in all (static timeout = 600); the signal is passed down to the file stream,
 * so a timeout or a cancel stops reading at once and the upload is marked error; on a worker
 * shutdown the upload stays processing and the requeued job starts it again. Progress is
 * { bytesDone, bytesTotal }.
 *
 * Example: await ProcessUploadJob.performLater(upload)  // -> { status: 'completed', uploadId, fileSize, md5, postId }
 */
import { prisma } from '../app/db/client';
import type { Upload } from '../app/db/generated/client';
import { DeserializationError } from '../app/framework/index';
import { UploadStorageError } from '../app/services/uploads/files';
import { failUpload, processUpload, type ProcessUploadResult } from '../app/services/uploads/processing';
import { ApplicationJob } from './application-job';

/** Runs in all while storing the post's files keeps failing. @defaultValue 4 */
export const UPLOAD_ATTEMPTS = 4;

export class ProcessUploadJob extends ApplicationJob {
  /** 10 minutes. */
  static override timeout = 600;

  static {
    this.retryOn(UploadStorageError, { attempts: UPLOAD_ATTEMPTS, wait: 'polynomiallyLonger' });
    this.afterDiscard<ProcessUploadJob>(async (job, error) => {
      const upload = job.arguments[0] as Upload | undefined;
      if (error instanceof DeserializationError || !upload) return;
      const reason = error instanceof Error ? error.message : String(error);
      await failUpload(prisma(), upload.id, `processing failed after ${job.executions} run(s): ${reason}`);
    });
  }

  async perform(upload: Upload): Promise<ProcessUploadResult> {
    return processUpload(prisma(), upload.id, {
      signal: this.signal,
      onProgress: (progress) => this.reportProgress(progress),
    });
  }
}
