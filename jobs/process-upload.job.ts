/**
 * ProcessUploadJob(upload) (default queue): hashes the uploaded file (streaming md5) and records
 * its size and md5 with status completed, or status error with the reason (missing or unreadable
 * file). Enqueued by createUpload (app/services/uploads/index.ts); the steps are processUpload's
 * (app/services/uploads/processing.ts).
 *
 * Limits: 10 minutes in all (static timeout = 600); the signal is passed down to the file stream,
 * so a timeout or a cancel stops reading at once and the upload is marked error; on a worker
 * shutdown the upload stays processing and the requeued job starts it again. Progress is
 * { bytesDone, bytesTotal }.
 *
 * Example: await ProcessUploadJob.performLater(upload)  // -> { status: 'completed', uploadId, fileSize, md5 }
 */
import { prisma } from '../app/db/client';
import type { Upload } from '../app/db/generated/client';
import { processUpload, type ProcessUploadResult } from '../app/services/uploads/processing';
import { ApplicationJob } from './application-job';

export class ProcessUploadJob extends ApplicationJob {
  /** 10 minutes. */
  static override timeout = 600;

  async perform(upload: Upload): Promise<ProcessUploadResult> {
    return processUpload(prisma(), upload.id, {
      signal: this.signal,
      onProgress: (progress) => this.reportProgress(progress),
    });
  }
}
