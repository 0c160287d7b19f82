/**
 * PruneJobHistoryJob (daily, config/schedule.ts): deletes job history (job_executions) older than
 * 30 days, JOB_HISTORY_CHUNK_SIZE rows per DELETE on the process's pg pool
 * (app/services/maintenance/job-history.ts). Checks its signal before each batch and reports
 * progress after it. Every worker's recorder adds a row per finished execution; nothing else
 * removes them.
 *
 * Example: await PruneJobHistoryJob.performLater()   // -> { deleted: 120000 }
 */
import { dbPool } from '../app/db/pg-pool';
import { backlotSettings } from '../app/framework/index';
import {
  JOB_HISTORY_CHUNK_SIZE,
  JOB_HISTORY_KEEP_DAYS,
  pruneJobHistory,
} from '../app/services/maintenance/job-history';
import { ApplicationJob } from './application-job';

export class PruneJobHistoryJob extends ApplicationJob {
  async perform(
    keepDays = JOB_HISTORY_KEEP_DAYS,
    batchSize = JOB_HISTORY_CHUNK_SIZE,
  ): Promise<{ deleted: number }> {
    const deleted = await pruneJobHistory(dbPool(), {
      keepDays,
      batchSize,
      signal: this.signal,
      onProgress: (done) => this.reportProgress({ deleted: done }),
    });
    backlotSettings().logger.info(
      { jobId: this.jobId, event: 'prune_job_history', deleted },
      `PruneJobHistoryJob: deleted ${deleted} job execution(s) older than ${keepDays} days`,
    );
    return { deleted };
  }
}
