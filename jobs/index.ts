/**
 * Every job class of the app. Workers register exactly these at boot; a duplicate stored name
 * stops the boot.
 */
import type { AnyJobClass } from '../app/framework/index';
import { PingJob } from './ping.job';
import { ProcessBulkUpdateRequestJob } from './process-bulk-update-request.job';
import { PruneJobsJob } from './prune-jobs.job';
import { DeleteFavoritesJob } from './delete-favorites.job';
import { MailDeliveryJob } from './mail-delivery.job';
import { UpdateTagCategoryPostCountsJob } from './update-tag-category-post-counts.job';
import { RegeneratePostCountsJob } from './regenerate-post-counts.job';
import { ProcessUploadJob } from './process-upload.job';
import { PruneBansJob } from './prune-bans.job';
import { PruneUploadsJob } from './prune-uploads.job';
import { PruneBulkUpdateRequestsJob } from './prune-bulk-update-requests.job';
import { ReconcileBulkUpdateRequestsJob } from './reconcile-bulk-update-requests.job';
import { VacuumDatabaseJob } from './vacuum-database.job';
import { RetireTagRelationshipsJob } from './retire-tag-relationships.job';
import { PruneMailOutboxJob } from './prune-mail-outbox.job';
import { PruneJobHistoryJob } from './prune-job-history.job';
import { MarkUserContentForDeletionJob } from './mark-user-content-for-deletion.job';

export const ALL_JOBS: readonly AnyJobClass[] = [
  PingJob,
  PruneJobsJob,
  ProcessBulkUpdateRequestJob,
  DeleteFavoritesJob,
  MailDeliveryJob,
  UpdateTagCategoryPostCountsJob,
  RegeneratePostCountsJob,
  ProcessUploadJob,
  PruneBansJob,
  PruneUploadsJob,
  PruneBulkUpdateRequestsJob,
  ReconcileBulkUpdateRequestsJob,
  VacuumDatabaseJob,
  RetireTagRelationshipsJob,
  PruneMailOutboxJob,
  MarkUserContentForDeletionJob,
  PruneJobHistoryJob,
];
