/**
 * bin/jobs cron: the clock's heartbeat and each task's schedule, last run, next run and outcome;
 * exits 1 with a warning when the heartbeat is missing or older than 2 minutes.
 *
 * Example: registerCronCommand(program)   // bin/jobs.ts
 */
import type { Command } from 'commander';
import {
  CLOCK_STALE_AFTER_MS,
  formatDuration,
  formatTable,
  readClockStatus,
  registerJobs,
  resolveSchedule,
  type ClockStatus,
} from '../../framework/index';
import { env } from '../../../config/env';
import { useCliLogger } from '../../../config/logger';
import { createRedis } from '../../../config/redis';
import { loadSchedule } from '../../../config/schedule';
import { assertServices } from '../../../config/services';
import { ALL_JOBS } from '../../../jobs/index';
import { print } from './context';

function formatCronStatus(status: ClockStatus): string {
  const beat = status.heartbeat
    ? `${status.heartbeat.at} (${formatDuration(Math.round(status.heartbeat.ageMs / 1000))} ago, from ${status.heartbeat.clock})`
    : 'none';
  const clocks = status.clocks.map((c) => c.clock).join(', ') || 'none';
  const rows = status.tasks.map((t) => ({
    ...t,
    lastOutcome:
      t.lastOutcome === undefined
        ? ''
        : `${t.lastOutcome === 'error' ? `error: ${t.error ?? ''}` : t.lastOutcome}${t.duplicates > 0 ? ` (+${t.duplicates} duplicate)` : ''}`,
  }));
  return [
    `heartbeat  ${beat}`,
    `clocks     ${clocks}`,
    '',
    formatTable(rows, ['name', 'job', 'cron', 'timezone', 'lastRun', 'lastOutcome', 'nextRun']),
  ].join('\n');
}

export function registerCronCommand(program: Command): void {
  program
    .command('cron')
    .description(
      "the clock (bin/cron): heartbeat, and each task's schedule, last run, next run and last outcome",
    )
    .option('--schedule <module>', "show this module's SCHEDULE instead of config/schedule.ts")
    .option('--json', 'machine-readable output')
    .action(async (o: { schedule?: string; json?: boolean }) => {
      const e = env();
      useCliLogger();
      await assertServices({ redis: true, postgres: false });
      registerJobs(ALL_JOBS);
      const tasks = resolveSchedule(await loadSchedule(o.schedule));
      const redis = createRedis(e);
      try {
        const status = await readClockStatus(redis, e.QUEUE_PREFIX, tasks);
        print(o.json, status, () => formatCronStatus(status));
        if (status.stale) {
          const limit = formatDuration(CLOCK_STALE_AFTER_MS / 1000);
          process.stderr.write(
            status.heartbeat
              ? `warning: the clock's heartbeat is stale: last beat ${formatDuration(Math.round(status.heartbeat.ageMs / 1000))} ago (over ${limit}) from ${status.heartbeat.clock}: is bin/cron running?\n`
              : `warning: no clock heartbeat under ${e.QUEUE_PREFIX}: bin/cron has not run against this Redis\n`,
          );
          process.exitCode = 1;
        }
      } finally {
        await redis.quit();
      }
    });
}
