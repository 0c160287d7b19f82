/**
 * PruneBulkUpdateRequestsJob (daily, config/schedule.ts): pending bulk update requests are
 * rejected 45 days after creation, and their creators warned 5 days before (once: the warning is
 * recorded in expiry_warned_at). Rules and statements: app/services/maintenance/bulk-update-requests.ts.
 *
 * Steps: reject expired requests, then warn expiring ones, a chunk of BUR_CHUNK_SIZE per
 * statement; after each chunk, one MailDeliveryJob per affected request whose creator has a mail
 * address (enqueued together with performAllLater). The chunk commits before its mails are
 * enqueued: if enqueueing fails the job fails and the requests stay warned/rejected without the
 * mail (at most once, never twice).
 *
 * Example: await PruneBulkUpdateRequestsJob.performLater()   // -> { rejected: 1, warned: 2, mails: 3 }
 */
import { prisma } from '../app/db/client';
import { backlotSettings, Job } from '../app/framework/index';
import {
  BUR_CHUNK_SIZE,
  expiryMail,
  rejectExpiredBulkUpdateRequestsChunk,
  warnExpiringBulkUpdateRequestsChunk,
  type BurNotice,
} from '../app/services/maintenance/bulk-update-requests';
import { untilShort } from '../app/services/maintenance/chunks';
import { ApplicationJob } from './application-job';
import { MailDeliveryJob } from './mail-delivery.job';

export interface PruneBulkUpdateRequestsResult {
  rejected: number;
  warned: number;
  mails: number;
}

export class PruneBulkUpdateRequestsJob extends ApplicationJob {
  async perform(batchSize = BUR_CHUNK_SIZE): Promise<PruneBulkUpdateRequestsResult> {
    const now = new Date();
    const result: PruneBulkUpdateRequestsResult = { rejected: 0, warned: 0, mails: 0 };
    const mail = async (notices: BurNotice[], kind: 'warning' | 'rejection') => {
      const jobs = notices.flatMap((notice) => {
        const spec = expiryMail(notice, kind);
        return spec ? [MailDeliveryJob.build(spec.to, spec.subject, spec.body)] : [];
      });
      if (jobs.length > 0) result.mails += await Job.performAllLater(jobs);
      return notices.length;
    };
    result.rejected = await untilShort(
      batchSize,
      async () => mail(await rejectExpiredBulkUpdateRequestsChunk(prisma(), now, batchSize), 'rejection'),
      { signal: this.signal, onProgress: () => this.reportProgress({ ...result }) },
    );
    result.warned = await untilShort(
      batchSize,
      async () => mail(await warnExpiringBulkUpdateRequestsChunk(prisma(), now, batchSize), 'warning'),
      { signal: this.signal, onProgress: () => this.reportProgress({ ...result }) },
    );
    backlotSettings().logger.info(
      { jobId: this.jobId, event: 'prune_bulk_update_requests', ...result },
      `PruneBulkUpdateRequestsJob: rejected ${result.rejected} expired and warned ${result.warned} expiring bulk update request(s), ${result.mails} mail(s)`,
    );
    return result;
  }
}
