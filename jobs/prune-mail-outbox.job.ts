/**
 * PruneMailOutboxJob (monthly, config/schedule.ts): deletes mail_outbox rows older than 90 days,
 * a chunk of MAIL_OUTBOX_CHUNK_SIZE per statement (app/services/maintenance/mail-outbox.ts). The
 * outbox grows by every mail MailDeliveryJob delivers; nothing else removes rows.
 *
 * Example: await PruneMailOutboxJob.performLater()   // -> { deleted: 120 }
 */
import { prisma } from '../app/db/client';
import { backlotSettings } from '../app/framework/index';
import { MAIL_OUTBOX_CHUNK_SIZE, MAIL_OUTBOX_KEEP_DAYS, pruneMailOutbox } from '../app/services/maintenance/mail-outbox';
import { ApplicationJob } from './application-job';

export class PruneMailOutboxJob extends ApplicationJob {
  async perform(keepDays = MAIL_OUTBOX_KEEP_DAYS, batchSize = MAIL_OUTBOX_CHUNK_SIZE): Promise<{ deleted: number }> {
    const deleted = await pruneMailOutbox(prisma(), {
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
