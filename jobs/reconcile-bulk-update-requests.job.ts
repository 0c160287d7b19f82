/**
 * ReconcileBulkUpdateRequestsJob (hourly, config/schedule.ts): fails the bulk update requests
 * left `processing` by a ProcessBulkUpdateRequestJob that died outside perform (failed by BullMQ
 * after stalling more often than allowed, or gone from Redis), so that moderators see them failed
 * with the reason and can approve them again (they resume at the line that was running). Rules
 * and statements: app/services/maintenance/bur-reconciliation.ts.
 *
 * Steps: read the requests processing for over `graceSeconds` (default 0), look each one's job
 * up through the framework's JobInspector (the reads bin/jobs status makes), leave those whose job
 * waits or runs, fail the others (one transaction each, with a bulk_update_request_fail mod
 * action by the system); after each, publish bur.status failed on /burs/:id as the processing
 * job does (message = the reason, jobId = the dead job's id) and log a WARN line; finally one INFO
 * line with the counts. Without the BullMQ adapter there are no job records to read: nothing to do.
 *
 * Example: await ReconcileBulkUpdateRequestsJob.performLater()   // -> { checked: 2, live: 1, failed: 1 }
 */
import { prisma } from '../app/db/client';
import { burStatus } from '../app/events/index';
import {
  backlotSettings,
  BullmqAdapter,
  JobInspector,
  jobNameOf,
  publishEvent,
  queueAdapter,
} from '../app/framework/index';
import {
  BUR_PROCESSING_GRACE_SECONDS,
  failAbandonedBulkUpdateRequests,
  inspectedProcessingJobs,
} from '../app/services/maintenance/bur-reconciliation';
import { QUEUE_NAMES } from '../config/queues';
import { ApplicationJob } from './application-job';
import { ProcessBulkUpdateRequestJob } from './process-bulk-update-request.job';

export interface ReconcileBulkUpdateRequestsResult {
  checked: number;
  live: number;
  failed: number;
}

export class ReconcileBulkUpdateRequestsJob extends ApplicationJob {
  async perform(graceSeconds = BUR_PROCESSING_GRACE_SECONDS): Promise<ReconcileBulkUpdateRequestsResult> {
    const log = backlotSettings().logger;
    const adapter = queueAdapter();
    if (!(adapter instanceof BullmqAdapter)) {
      log.info(
        { jobId: this.jobId, adapter: adapter.name },
        `ReconcileBulkUpdateRequestsJob: the ${adapter.name} adapter keeps no job records; nothing to reconcile`,
      );
      return { checked: 0, live: 0, failed: 0 };
    }
    const jobs = inspectedProcessingJobs(
      new JobInspector(adapter, QUEUE_NAMES),
      jobNameOf(ProcessBulkUpdateRequestJob),
      ProcessBulkUpdateRequestJob.build(0).queueName, // the queue its class declares (bulk_update)
    );
    const result = await failAbandonedBulkUpdateRequests(prisma(), jobs, {
      graceSeconds,
      signal: this.signal,
      onFailed: (failure) => {
        const { burId, reason: message } = failure;
        publishEvent(burStatus, () => ({
          burId,
          status: 'failed',
          message,
          ...(failure.jobId === null ? {} : { jobId: failure.jobId }),
        }));
        log.warn(
          {
            jobId: this.jobId,
            event: 'bur_abandoned',
            burId,
            processingJobId: failure.jobId,
            failedLine: failure.failedLine,
          },
          `ReconcileBulkUpdateRequestsJob: bulk update request #${burId} marked failed: ${message}`,
        );
      },
    });
    const counts = { checked: result.checked, live: result.live, failed: result.failed.length };
    log.info(
      { jobId: this.jobId, event: 'reconcile_bulk_update_requests', ...counts },
      `ReconcileBulkUpdateRequestsJob: ${counts.checked} bulk update request(s) processing for over ${graceSeconds}s, ` +
        `${counts.live} with a live job, ${counts.failed} marked failed`,
    );
    return counts;
  }
}
