import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { nextRuns, registerJobs, resolveSchedule, tickJobId } from '../../../app/framework/index';
import { MAINTENANCE, maintenanceEntries, PERIOD_CRON, PERIODS, SCHEDULE } from '../../../config/schedule';
import { ALL_JOBS } from '../../../jobs/index';
import { PruneJobsJob } from '../../../jobs/prune-jobs.job';

// node-cron computes next runs from the current time: these tests set the clock, not wait for it.
function at(iso: string): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
}

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

afterEach(() => {
  vi.useRealTimers();
});

describe('next runs (node-cron’s own computation)', () => {
  it('reads an expression in UTC by default and in the entry’s time zone when given', () => {
    at('2025-03-28T12:00:00Z');
    expect(iso(nextRuns({ cron: '0 3 * * *', timezone: 'UTC' }, 2))).toEqual([
      '2025-03-29T03:00:00.000Z',
      '2025-03-30T03:00:00.000Z',
    ]);
    // Berlin is UTC+1 until summer time starts on 2025-03-30, UTC+2 from then on.
    expect(iso(nextRuns({ cron: '0 3 * * *', timezone: 'Europe/Berlin' }, 2))).toEqual([
      '2025-03-29T02:00:00.000Z',
      '2025-03-30T01:00:00.000Z',
    ]);
  });

  it('handles 6-field expressions with seconds first', () => {
    at('2025-01-01T00:00:01.500Z');
    expect(iso(nextRuns({ cron: '*/2 * * * * *', timezone: 'UTC' }, 3))).toEqual([
      '2025-01-01T00:00:02.000Z',
      '2025-01-01T00:00:04.000Z',
      '2025-01-01T00:00:06.000Z',
    ]);
  });
});

describe('tick job ids', () => {
  it('are cron.<task>.<scheduled time in ISO basic format>, without the ":" BullMQ refuses', () => {
    expect(tickJobId('prune_jobs', new Date('2025-01-31T23:00:00Z'))).toBe(
      'cron.prune_jobs.20250131T230000Z',
    );
    expect(tickJobId('every_2s', new Date('2025-01-31T23:00:04Z'))).toBe('cron.every_2s.20250131T230004Z');
  });
});

describe('config/schedule.ts', () => {
  beforeAll(() => registerJobs(ALL_JOBS));

  it('names only registered job classes, with valid expressions, in UTC', () => {
    const tasks = resolveSchedule(SCHEDULE);
    expect(tasks.length).toBe(PERIODS.reduce((n, p) => n + MAINTENANCE[p].length, 0));
    for (const task of tasks) expect(task.timezone).toBe('UTC');
  });

  it('runs PruneJobsJob hourly', () => {
    expect(maintenanceEntries('hourly')).toContainEqual(
      expect.objectContaining({ name: 'prune_jobs', job: PruneJobsJob, cron: PERIOD_CRON.hourly, args: [] }),
    );
  });

  it('runs each list at its documented time (staggered, never two lists in one minute)', () => {
    at('2025-01-31T23:59:30Z'); // a Friday
    const next = (period: (typeof PERIODS)[number], count = 1) =>
      iso(nextRuns({ cron: PERIOD_CRON[period], timezone: 'UTC' }, count));
    expect(next('hourly', 2)).toEqual(['2025-02-01T00:00:00.000Z', '2025-02-01T01:00:00.000Z']);
    expect(next('daily', 2)).toEqual(['2025-02-01T00:15:00.000Z', '2025-02-02T00:15:00.000Z']);
    expect(next('weekly', 2)).toEqual(['2025-02-02T00:30:00.000Z', '2025-02-09T00:30:00.000Z']);
    expect(next('monthly', 2)).toEqual(['2025-02-01T00:45:00.000Z', '2025-03-01T00:45:00.000Z']);
    const minutes = PERIODS.map((p) => PERIOD_CRON[p].split(' ')[0]);
    expect(new Set(minutes).size).toBe(PERIODS.length);
  });
});
