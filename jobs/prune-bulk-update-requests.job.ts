/**
 * PruneBulkUpdateRequestsJob (daily, config/schedule.ts): pending bulk update requests are
 * rejected 45 days after creation, and their creators warned 5 days before (once: the warning is
 * recorded in expiry_warned_at). Rules and statements: app/services/maintenance/bulk-update-requests.ts.
 *
 * Steps: reject expired requests, then warn expiring ones, a chunk of BUR_CHUNK_SIZE per
 * statement; with each chunk, one MailDeliveryJob per affected request whose creator has a mail
 * address, staged with performAllLater in the chunk's transaction (the job outbox): a chunk and
 * its mails commit together, so each warning or rejection is mailed exactly once.
 *
 * Example: await PruneBulkUpdateRequestsJob.performLater()   // -> { rejected: 1, warned: 2, mails: 3 }
 */
import { prisma } from '../app/db/client';
import { backlotSettings, Job, transaction } from '../app/framework/index';
import {
  BUR_CHUNK_SIZE,
  expiryMail,
  rejectExpiredBulkUpdateRequestsChunk,
  warnExpiringBulkUpdateRequestsChunk,
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
    type Chunk = typeof rejectExpiredBulkUpdateRequestsChunk;
    const mail = (chunk: Chunk, kind: 'warning' | 'rejection') =>
      transaction(prisma(), async (tx) => {
        const notices = await chunk(tx, now, batchSize);
        const jobs = notices.flatMap((notice) => {
          const spec = expiryMail(notice, kind);
          return spec ? [MailDeliveryJob.build(spec.to, spec.subject, spec.body)] : [];
        });
        if (jobs.length > 0) result.mails += await Job.performAllLater(jobs); // staged with the chunk
        return notices.length;
      });
    result.rejected = await untilShort(
      batchSize,
      () => mail(rejectExpiredBulkUpdateRequestsChunk, 'rejection'),
      { signal: this.signal, onProgress: () => this.reportProgress({ ...result }) },
    );
    result.warned = await untilShort(batchSize, () => mail(warnExpiringBulkUpdateRequestsChunk, 'warning'), {
      signal: this.signal,
      onProgress: () => this.reportProgress({ ...result }),
    });
    backlotSettings().logger.info(
      { jobId: this.jobId, event: 'prune_bulk_update_requests', ...result },
      `PruneBulkUpdateRequestsJob: rejected ${result.rejected} expired and warned ${result.warned} expiring bulk update request(s), ${result.mails} mail(s)`,
    );
    return result;
  }
}
