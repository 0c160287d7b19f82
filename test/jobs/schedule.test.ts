// The maintenance lists of config/schedule.ts name the domain jobs in the periods issue 5 asks for
// (test/framework/runtime/clock-schedule.test.ts checks that every entry resolves to a registered job).
import { beforeAll, describe, expect, it } from 'vitest';
import { registerJobs, resolveSchedule } from '../../app/framework/index';
import { MAINTENANCE, SCHEDULE } from '../../config/schedule';
import { ALL_JOBS } from '../../jobs/index';

describe('maintenance schedule', () => {
  beforeAll(() => registerJobs(ALL_JOBS));

  it('lists each maintenance job in its period, with default arguments', () => {
    const lists = Object.fromEntries(
      Object.entries(MAINTENANCE).map(([period, tasks]) => [
        period,
        tasks.map((t) => [t.name, t.job.name, t.args.length]),
      ]),
    );
    expect(lists).toEqual({
      hourly: [
        ['prune_jobs', 'PruneJobsJob', 0],
        ['prune_bans', 'PruneBansJob', 0],
        ['prune_uploads', 'PruneUploadsJob', 0],
        ['regenerate_post_counts', 'RegeneratePostCountsJob', 0],
        ['reconcile_bulk_update_requests', 'ReconcileBulkUpdateRequestsJob', 0],
      ],
      daily: [
        ['prune_bulk_update_requests', 'PruneBulkUpdateRequestsJob', 0],
        ['prune_job_history', 'PruneJobHistoryJob', 0],
        ['vacuum_database', 'VacuumDatabaseJob', 0],
      ],
      weekly: [['retire_tag_relationships', 'RetireTagRelationshipsJob', 0]],
      monthly: [['prune_mail_outbox', 'PruneMailOutboxJob', 0]],
    });
  });

  it('resolves every entry against the registered jobs, each task name once', () => {
    const tasks = resolveSchedule(SCHEDULE);
    expect(new Set(tasks.map((t) => t.name)).size).toBe(tasks.length);
  });
});
