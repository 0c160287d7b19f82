/**
 * MarkUserContentForDeletionJob(userId, requestedBy) (default queue): marks every post and upload
 * user `userId` uploaded for deletion, in chunks of 10,000 rows per statement, announcing each
 * marked record. markUserContentForDeletion (app/services/deletion/marking.ts) marks the first
 * 1,000 of each at once and enqueues this job for the rest, so the request returns at once. The
 * deleter (app/services/deletion/deleter.ts) then removes files and rows.
 *
 * Unique per user while queued or running; safe to run again (it marks only unmarked rows). Stops
 * between chunks when canceled or timed out; progress is { marked } after each chunk.
 *
 * Example: await MarkUserContentForDeletionJob.performLater(7, moderator.id)   // -> { userId: 7, marked: { Upload: 2, Post: 40000 } }
 */
import { prisma } from '../app/db/client';
import { markAllUserContent, type MarkManyResult } from '../app/services/deletion/mark-chunks';
import { ApplicationJob } from './application-job';

export interface MarkUserContentForDeletionResult extends MarkManyResult {
  userId: number;
}

export class MarkUserContentForDeletionJob extends ApplicationJob {
  static {
    this.uniqueBy((userId: number) => String(userId));
  }

  async perform(
    userId: number,
    requestedBy: number | null = null,
  ): Promise<MarkUserContentForDeletionResult> {
    const { marked } = await markAllUserContent(prisma(), userId, {
      ...(requestedBy !== null ? { requestedBy } : {}),
      jobId: this.jobId,
      onChunk: async (markedSoFar) => {
        this.signal.throwIfAborted();
        await this.reportProgress({ marked: markedSoFar });
      },
    });
    return { userId, marked };
  }
}
