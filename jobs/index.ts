/**
 * Every job class of the app. Workers register exactly these at boot; a duplicate stored name
 * stops the boot.
 */
import type { AnyJobClass } from '../app/framework/index';
import { PingJob } from './ping.job';
import { ProcessBulkUpdateRequestJob } from './process-bulk-update-request.job';
import { PruneJobsJob } from './prune-jobs.job';

export const ALL_JOBS: readonly AnyJobClass[] = [PingJob, PruneJobsJob, ProcessBulkUpdateRequestJob];
