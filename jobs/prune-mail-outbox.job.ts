/**
 * PruneMailOutboxJob (monthly, config/schedule.ts): deletes mail_outbox rows older than 90 days,
 * selecting a chunk of MAIL_OUTBOX_CHUNK_SIZE ids and deleting it through deleteMany, one DELETE
 * statement per chunk on the process's pg pool (app/services/maintenance/mail-outbox.ts,
 * app/db/pg-pool.ts dbPool()). Checks its signal before each chunk and reports progress after it.
 * The outbox grows by every mail MailDeliveryJob delivers; nothing else removes rows.
 *
 * Example: await PruneMailOutboxJob.performLater()   // -> { deleted: 120 }
 */
import { dbPool } from '../app/db/pg-pool';
import { backlotSettings } from '../app/framework/index';
import {
  MAIL_OUTBOX_CHUNK_SIZE,
  MAIL_OUTBOX_KEEP_DAYS,
  pruneMailOutbox,
} from '../app/services/maintenance/mail-outbox';
import { ApplicationJob } from './application-job';

export class PruneMailOutboxJob extends ApplicationJob {
  async perform(
    keepDays = MAIL_OUTBOX_KEEP_DAYS,
    batchSize = MAIL_OUTBOX_CHUNK_SIZE,
  ): Promise<{ deleted: number }> {
    const deleted = await pruneMailOutbox(dbPool(), {
      keepDays,
      batchSize,
      signal: this.signal,
      onProgress: (done) => this.reportProgress({ deleted: done }),
    });
    backlotSettings().logger.info(
      { jobId: this.jobId, event: 'prune_mail_outbox', deleted },
      `PruneMailOutboxJob: deleted ${deleted} outbox mail(s) older than ${keepDays} days`,
    );
    return { deleted };
  }
}
