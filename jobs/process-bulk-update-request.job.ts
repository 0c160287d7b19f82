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
 * - A death outside perform (the worker lost more often than the stall limit allows, so BullMQ
 *   fails the job without running perform; or the job removed) records nothing here: the hourly
 *   ReconcileBulkUpdateRequestsJob finds the request's job (processing_job_id, stored by
 *   approveBur) dead and fails the request.
 * - Events (when the process has a bus): bur.status processing at the start, bur.progress with
 *   each progress report, bur.status with the outcome (completed, skipped or failed); live pages
 *   and MQTT subscribers follow /burs/:id.
 *
 * Example: await ProcessBulkUpdateRequestJob.performLater(bur.id)   // done by approveBur
 */
import { prisma } from '../app/db/client';
import { backlotSettings, publishEvent, WorkerShutdownError } from '../app/framework/index';
import { burProgress, burStatus } from '../app/events/index';
import { processBulkUpdateRequest, type ProcessResult } from '../app/services/bulk-update-request/processing';
import { ApplicationJob } from './application-job';

export class ProcessBulkUpdateRequestJob extends ApplicationJob {
  static {
    this.queueAs('bulk_update');
  }

  /** Posts per chunk statement; undefined: the service's default (5,000). Tests and benchmarks set it. */
  static chunkSize: number | undefined;

  async perform(burId: number): Promise<ProcessResult> {
    const jobId = this.jobId;
    publishEvent(burStatus, () => ({ burId, status: 'processing', jobId }));
    let result: ProcessResult;
    try {
      result = await processBulkUpdateRequest(prisma(), burId, {
        signal: this.signal,
        onProgress: (progress) => {
          publishEvent(burProgress, () => ({
            burId,
            done: progress.rowsDone,
            total: progress.rowsTotal ?? 0,
            message: `line ${progress.line} of ${progress.lines} (script line ${progress.lineNumber})`,
          }));
          return this.reportProgress(progress);
        },
        chunkSize: ProcessBulkUpdateRequestJob.chunkSize,
        isInterruption: (error) => error instanceof WorkerShutdownError,
        onWarning: (message, error) => backlotSettings().logger.warn({ jobId, burId, err: error }, message),
      });
    } catch (error) {
      // A shutdown hands the job back and the request stays processing: no status change to tell.
      if (!(error instanceof WorkerShutdownError)) {
        const message = error instanceof Error ? error.message : String(error);
        publishEvent(burStatus, () => ({ burId, status: 'failed', message, jobId }));
      }
      throw error;
    }
    publishEvent(burStatus, () => ({ burId, status: result.status, jobId }));
    return result;
  }
}
