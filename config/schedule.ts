/**
 * The clock's schedule (bin/cron), Danbooru-style: maintenance jobs in hourly, daily, weekly and
 * monthly lists, each list on one cron expression read in UTC. `bin/maintenance PERIOD` enqueues a
 * list at once; `bin/jobs cron` shows each task's last and next run.
 *
 * To schedule a job: register its class in jobs/index.ts, then add `task('snake_name', TheJob,
 * ...args)` to a list below (arguments are type-checked against perform). The task name is part
 * of every tick's job id (`cron.<name>.<time>`); bin/cron refuses to start when an entry names a
 * job class that is not registered.
 *
 * Example: hourly: [task('prune_jobs', PruneJobsJob), task('prune_bans', PruneBansJob)],
 */
import {
  ScheduleError,
  type AnyJobClass,
  type Job,
  type JobClass,
  type PerformArgs,
  type ScheduleEntry,
} from '../app/framework/index';
import { importCommandLineModule } from './command-line-module';
import { PruneJobsJob } from '../jobs/prune-jobs.job';
import { PruneBansJob } from '../jobs/prune-bans.job';
import { PruneUploadsJob } from '../jobs/prune-uploads.job';
import { RegeneratePostCountsJob } from '../jobs/regenerate-post-counts.job';
import { PruneBulkUpdateRequestsJob } from '../jobs/prune-bulk-update-requests.job';
import { ReconcileBulkUpdateRequestsJob } from '../jobs/reconcile-bulk-update-requests.job';
import { VacuumDatabaseJob } from '../jobs/vacuum-database.job';
import { RetireTagRelationshipsJob } from '../jobs/retire-tag-relationships.job';
import { PruneMailOutboxJob } from '../jobs/prune-mail-outbox.job';
import { PruneJobHistoryJob } from '../jobs/prune-job-history.job';

export const PERIODS = ['hourly', 'daily', 'weekly', 'monthly'] as const;
export type Period = (typeof PERIODS)[number];

/** When each list runs; staggered so that two lists never start in the same minute. */
export const PERIOD_CRON: Record<Period, string> = {
  /** every hour at :00 */
  hourly: '0 * * * *',
  /** every day at 00:15 */
  daily: '15 0 * * *',
  /** Sundays at 00:30 */
  weekly: '30 0 * * 0',
  /** the 1st of the month at 00:45 */
  monthly: '45 0 1 * *',
};

/** The time zone the schedule is read in. @defaultValue 'UTC' */
export const SCHEDULE_TIMEZONE = 'UTC';

export interface MaintenanceTask {
  name: string;
  job: AnyJobClass;
  args: readonly unknown[];
}

/** One list entry: a task name, a registered job class and its perform arguments. */
export function task<J extends Job>(
  name: string,
  job: JobClass<J>,
  ...args: PerformArgs<J>
): MaintenanceTask {
  return { name, job: job as unknown as AnyJobClass, args };
}

export const MAINTENANCE: Record<Period, readonly MaintenanceTask[]> = {
  hourly: [
    task('prune_jobs', PruneJobsJob),
    task('prune_bans', PruneBansJob),
    task('prune_uploads', PruneUploadsJob),
    task('regenerate_post_counts', RegeneratePostCountsJob),
    task('reconcile_bulk_update_requests', ReconcileBulkUpdateRequestsJob),
  ],
  daily: [
    task('prune_bulk_update_requests', PruneBulkUpdateRequestsJob),
    task('prune_job_history', PruneJobHistoryJob),
    task('vacuum_database', VacuumDatabaseJob),
  ],
  weekly: [task('retire_tag_relationships', RetireTagRelationshipsJob)],
  monthly: [task('prune_mail_outbox', PruneMailOutboxJob)],
};

/** One list as clock entries. */
export function maintenanceEntries(period: Period): ScheduleEntry[] {
  return MAINTENANCE[period].map((t) => ({ ...t, cron: PERIOD_CRON[period], timezone: SCHEDULE_TIMEZONE }));
}

/** Every list as clock entries: what bin/cron runs. */
export const SCHEDULE: readonly ScheduleEntry[] = PERIODS.flatMap(maintenanceEntries);

/**
 * SCHEDULE, or the `SCHEDULE` export of another module (bin/cron --schedule: tests and one-off
 * clocks; that module registers any job classes of its own).
 */
export async function loadSchedule(modulePath?: string): Promise<readonly ScheduleEntry[]> {
  if (modulePath === undefined) return SCHEDULE;
  const module = (await importCommandLineModule(modulePath, '--schedule')) as { SCHEDULE?: unknown };
  if (!Array.isArray(module.SCHEDULE))
    throw new ScheduleError(`${modulePath} exports no SCHEDULE array of schedule entries`);
  return module.SCHEDULE as ScheduleEntry[];
}
