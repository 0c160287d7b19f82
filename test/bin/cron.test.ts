import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClockStatus, RedisConnection } from '../../app/framework/index';
import { runBin, spawnBin, type BinProcess } from '../support/processes';
import { useRedisPrefix } from '../support/redis';

const FIXTURE = 'test/fixtures/cron-schedule.ts';

interface TickLine {
  event: string;
  task: string;
  scheduledAt: string;
  jobId: string;
  outcome: string;
  clock: string;
}

function ticks(clock: BinProcess): TickLine[] {
  return clock
    .output()
    .split('\n')
    .filter((line) => line.includes('"event":"cron_tick"'))
    .map((line) => JSON.parse(line) as TickLine);
}

function commonSlots(a: BinProcess, b: BinProcess): string[] {
  const other = new Set(ticks(b).map((t) => t.scheduledAt));
  return ticks(a)
    .map((t) => t.scheduledAt)
    .filter((slot) => other.has(slot));
}

describe('bin/cron, bin/jobs cron and bin/maintenance (real processes)', () => {
  const scope = useRedisPrefix('cron-bin');
  const env = { QUEUE_PREFIX: scope.prefix, NODE_ENV: 'test', JOB_ADAPTER: 'bullmq' };
  let redis: RedisConnection;
  let queue: Queue;

  beforeAll(() => {
    redis = scope.connection();
    queue = new Queue('default', { connection: scope.connection(), prefix: scope.prefix });
  });

  afterAll(async () => {
    await queue.close();
  });

  it('refuses to start when an entry names a job class that is not registered', async () => {
    const result = await runBin('cron', ['--schedule', 'test/fixtures/cron-schedule-unknown.ts'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^schedule entry "nightly_report" names job class NightlyReportJob, which is not registered \(registered: .*PruneJobsJob.*\)$/,
    );
  });

  it('bin/cron and bin/jobs cron refuse a --schedule that names no file in one line, exit 1', async () => {
    for (const command of [['--schedule'], ['cron', '--schedule']]) {
      const bin = command.length === 1 ? 'cron' : 'jobs';
      const result = await runBin(bin, [...command, 'test/fixtures/no-such-schedule.ts'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `--schedule test/fixtures/no-such-schedule.ts: no such file (${resolve('test/fixtures/no-such-schedule.ts')})\n`,
      );
    }
  });

  it('bin/jobs cron warns and exits 1 when no clock ever beat, and still lists config/schedule.ts', async () => {
    const result = await runBin('jobs', ['cron', '--json'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `warning: no clock heartbeat under ${scope.prefix}: bin/cron has not run against this Redis`,
    );
    const status = JSON.parse(result.stdout) as ClockStatus;
    expect(status.stale).toBe(true);
    expect(status.tasks).toContainEqual(
      expect.objectContaining({
        name: 'prune_jobs',
        job: 'PruneJobsJob',
        cron: '0 * * * *',
        timezone: 'UTC',
      }),
    );
    const prune = status.tasks.find((t) => t.name === 'prune_jobs');
    expect(prune?.lastRun).toBeUndefined();
    expect(Date.parse(prune?.nextRun ?? '') - Date.now()).toBeLessThanOrEqual(3_600_000);
  });

  it('two clocks enqueue each tick once, then stop cleanly on SIGTERM (or SIGINT and SIGTERM); bin/jobs cron shows the outcome', async () => {
    const first = spawnBin('cron', ['--schedule', FIXTURE], env);
    const second = spawnBin('cron', ['--schedule', FIXTURE], env);
    await Promise.all([
      first.waitFor(/Clock started with 1 task/),
      second.waitFor(/Clock started with 1 task/),
    ]);
    const deadline = Date.now() + 20_000;
    while (commonSlots(first, second).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    first.signal('SIGTERM');
    second.signal('SIGINT'); // Ctrl-C under bin/dev: the terminal's SIGINT, then bin/dev's SIGTERM
    second.signal('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain('Clock stopped');
    expect(second.output()).toContain('Clock stopped');

    const common = commonSlots(first, second);
    expect(common.length).toBeGreaterThanOrEqual(2);
    const all = [...ticks(first), ...ticks(second)];
    for (const slot of common) {
      expect(
        all
          .filter((t) => t.scheduledAt === slot)
          .map((t) => t.outcome)
          .sort(),
      ).toEqual(['duplicate', 'enqueued']);
    }
    const enqueued = all
      .filter((t) => t.outcome === 'enqueued')
      .map((t) => t.jobId)
      .sort();
    expect(new Set(enqueued).size).toBe(enqueued.length);
    const stored = (await queue.getJobs(['waiting'])).filter((j) =>
      String(j.id).startsWith('cron.ping_every_2s.'),
    );
    expect(stored.map((j) => String(j.id)).sort()).toEqual(enqueued);
    expect(stored[0]?.name).toBe('PingJob');
    expect((stored[0]?.data as { arguments: unknown[] }).arguments).toEqual(['from the clock']);

    const result = await runBin('jobs', ['cron', '--json', '--schedule', FIXTURE], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as ClockStatus;
    expect(status.stale).toBe(false);
    expect(status.clocks).toEqual([]); // both stopped and removed their keys
    expect(status.tasks).toHaveLength(1);
    const task = status.tasks[0]!;
    expect(task).toMatchObject({
      name: 'ping_every_2s',
      job: 'PingJob',
      cron: '*/2 * * * * *',
      lastOutcome: 'enqueued',
    });
    expect(task.duplicates).toBeGreaterThanOrEqual(1);
    expect(enqueued).toContain(task.jobId);
    expect(Date.parse(task.nextRun ?? '')).toBeGreaterThan(Date.parse(task.lastRun ?? ''));
  }, 60_000);

  it('bin/jobs cron warns on stderr and exits 1 when the heartbeat is older than 2 minutes', async () => {
    const at = new Date(Date.now() - 5 * 60_000).toISOString();
    await redis.set(`${scope.prefix}:cron:heartbeat`, JSON.stringify({ at, clock: 'gone:42' }));
    const result = await runBin('jobs', ['cron'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^warning: the clock's heartbeat is stale: last beat 5m(\d+s)? ago \(over 2m\) from gone:42: is bin\/cron running\?$/,
    );
    expect(result.stdout).toMatch(/^heartbeat {2}\S+ \(5m(\d+s)? ago, from gone:42\)$/m);
    expect(result.stdout).toMatch(/^prune_jobs +PruneJobsJob +0 \* \* \* \* +UTC/m);
  });

  it('bin/maintenance hourly enqueues the hourly list now and prints it', async () => {
    const result = await runBin('maintenance', ['hourly'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const match = /^Enqueued PruneJobsJob \(Job ID: ([0-9a-f]{24})\) to default$/m.exec(result.stdout);
    expect(match).not.toBeNull();
    const job = await queue.getJob(match?.[1] ?? '');
    expect(job?.name).toBe('PruneJobsJob');
    const regenerate = /^Enqueued RegeneratePostCountsJob \(Job ID: (\w+)\)/m.exec(result.stdout)?.[1];

    // RegeneratePostCountsJob is uniqueBy: while the first waits, a second run adds none.
    const again = await runBin('maintenance', ['hourly'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `RegeneratePostCountsJob not enqueued: a duplicate of job ${regenerate} (uniqueBy)\n`,
    );

    const json = await runBin('maintenance', ['hourly', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      period: 'hourly',
      enqueued: [
        { task: 'prune_jobs', job: 'PruneJobsJob', queue: 'default' },
        { task: 'prune_bans', job: 'PruneBansJob', queue: 'default' },
        { task: 'prune_uploads', job: 'PruneUploadsJob', queue: 'default' },
        { task: 'regenerate_post_counts', job: 'RegeneratePostCountsJob', duplicateOf: regenerate },
        { task: 'reconcile_bulk_update_requests', job: 'ReconcileBulkUpdateRequestsJob', queue: 'default' },
      ],
    });
    const usage = await runBin('maintenance', ['yearly'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Allowed choices are hourly, daily, weekly, monthly');
  });
});
