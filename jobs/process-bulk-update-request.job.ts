/**
 * ProcessBulkUpdateRequestJob(burId), on the bulk_update queue: runs an approved bulk update
 * request's lines in order (app/services/bulk-update-request/processing.ts). approveBur enqueues
 * exactly one per approval.
 *
 * - The queue's global concurrency is 1 (config/queues.ts), so requests run strictly one after
 *   another, in approval order, however many workers serve the queue.
 * - Progress: { burId, line, lines, lineNumber, rowsDone, rowsTotal } through reportProgress at
 *   each line's start and after each chunk of a large line (which also resets touchTimeout).
 * - this.signal is honoured between chunks: a cancel or timeout stops the running line, which is
 *   recorded as failed (the request too, at that line); re-approving resumes there.
 * - A worker shutdown past its grace period hands the job back to the queue: the request stays
 *   processing and the next run resumes at the interrupted line (every line is safe to re-run).
 * - No retryOn: a failed line fails the request and the job (the job's error names the line).
 *
 * Example: await ProcessBulkUpdateRequestJob.performLater(bur.id)   // done by approveBur
 */
import { prisma } from '../app/db/client';
import { backlotSettings, WorkerShutdownError } from '../app/framework/index';
import { processBulkUpdateRequest, type ProcessResult } from '../app/services/bulk-update-request/processing';
import { ApplicationJob } from './application-job';

export class ProcessBulkUpdateRequestJob extends ApplicationJob {
  static {
    this.queueAs('bulk_update');
  }

  /** Posts per chunk statement; undefined: the service's default (5,000). Tests and benchmarks set it. */
  static chunkSize: number | undefined;

  async perform(burId: number): Promise<ProcessResult> {
    return processBulkUpdateRequest(prisma(), burId, {
      signal: this.signal,
      onProgress: (progress) => this.reportProgress(progress),
      chunkSize: ProcessBulkUpdateRequestJob.chunkSize,
      isInterruption: (error) => error instanceof WorkerShutdownError,
      onWarning: (message, error) => backlotSettings().logger.warn({ jobId: this.jobId, burId, err: error }, message),
    });
  }
}
