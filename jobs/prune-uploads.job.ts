/**
 * PruneUploadsJob (hourly, config/schedule.ts): uploads still `processing` more than 4 hours
 * after processing started are marked `failed` ("processing did not finish within 4 hours");
 * fresher ones and other statuses are kept. Rules and statement:
 * app/services/maintenance/uploads.ts; chunks of UPLOADS_CHUNK_SIZE, one statement each.
 *
 * Example: await PruneUploadsJob.performLater()   // -> { failed: 2 }
 */
import { prisma } from '../app/db/client';
import { backlotSettings } from '../app/framework/index';
import {
  failStuckUploads,
  STUCK_UPLOAD_HOURS,
  UPLOADS_CHUNK_SIZE,
} from '../app/services/maintenance/uploads';
import { ApplicationJob } from './application-job';

export class PruneUploadsJob extends ApplicationJob {
  async perform(
    olderThanHours = STUCK_UPLOAD_HOURS,
    batchSize = UPLOADS_CHUNK_SIZE,
  ): Promise<{ failed: number }> {
    const failed = await failStuckUploads(prisma(), {
      olderThanHours,
      batchSize,
      signal: this.signal,
      onProgress: (done) => this.reportProgress({ failed: done }),
    });
    backlotSettings().logger.info(
      { jobId: this.jobId, event: 'prune_uploads', failed },
      `PruneUploadsJob: marked ${failed} upload(s) stuck processing for over ${olderThanHours}h failed`,
    );
    return { failed };
  }
}
