/**
 * onJobEvent: every lifecycle event reaches a third-party listener once, in order, with the
 * Outcome; a listener that throws never breaks a job and is logged at its first throw only; the
 * jobLines setting and Job#logger.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  configureBacklot,
  Job,
  onJobEvent,
  SettingsError,
  type JobEvent,
  type JobLines,
} from '../../app/framework/index';
import { performEnqueuedJobs, useTestAdapter } from '../../app/framework/testing/test-helper';
import { captureLogs } from '../support/log-capture';

class RetryMe extends Error {
  override name = 'RetryMe';
}

class EventsJob extends Job {
  static override jobName = 'InstrumentationTest_Events';
  static {
    this.retryOn(RetryMe, { attempts: 2, wait: 0 });
  }
  async perform(failures: number): Promise<string> {
    await this.reportProgress(50);
    if (this.executions <= failures) throw new RetryMe(`run ${this.executions}`);
    this.logger.info({ step: 'done' }, 'from the job');
    return 'ok';
  }
}

/** What a listener saw, as [name, detail]. */
function summary(events: JobEvent[]): [string, string][] {
  return events.map((e) => {
    if (e.name === 'enqueue') return [e.name, e.status];
    if (e.name === 'finish') return [e.name, e.outcome.status];
    if (e.name === 'progress') return [e.name, JSON.stringify(e.progress)];
    return [e.name, String(e.job.executions)];
  });
}

describe('onJobEvent', () => {
  const offs: (() => void)[] = [];
  const listen = (listener: (event: JobEvent) => void) => offs.push(onJobEvent(listener));

  beforeEach(() => {
    useTestAdapter();
    configureBacklot({ jobLines: 'both' });
  });

  afterEach(() => {
    for (const off of offs.splice(0)) off();
    configureBacklot({ jobLines: 'both' });
  });

  it('reports enqueue, start, progress and finish once each, with the Outcome and duration', async () => {
    const seen: JobEvent[] = [];
    listen((event) => seen.push(event));
    await EventsJob.performLater(1);
    await performEnqueuedJobs();
    expect(summary(seen)).toEqual([
      ['enqueue', 'enqueued'],
      ['start', '1'],
      ['progress', '50'],
      // the adapter schedules the retry itself: no second enqueue event
      ['finish', 'retry'],
      ['start', '2'],
      ['progress', '50'],
      ['finish', 'completed'],
    ]);
    const finishes = seen.filter((e) => e.name === 'finish');
    for (const finish of finishes) expect(finish.durationMs).toBeGreaterThanOrEqual(0);
    expect(finishes[1]?.outcome).toEqual({ status: 'completed', result: 'ok' });
    expect(new Set(seen.map((e) => e.job.jobId)).size).toBe(1);
  });

  it('stops reporting to a listener once it unsubscribed', async () => {
    const seen: JobEvent[] = [];
    const off = onJobEvent((event) => seen.push(event));
    off();
    await EventsJob.performLater(0);
    await performEnqueuedJobs();
    expect(seen).toEqual([]);
  });

  it('never lets a throwing listener break a job, and logs it at its first throw only', async () => {
    const logs = captureLogs('info');
    const after: string[] = [];
    listen(function brokenMetrics() {
      throw new Error('metrics backend down');
    });
    listen((event) => after.push(event.name));
    await EventsJob.performLater(0);
    expect(await performEnqueuedJobs()).toBe(1);
    await EventsJob.performLater(0);
    expect(await performEnqueuedJobs()).toBe(1);
    const errors = logs.lines.filter((l) => l.event === 'listener_error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toContain('brokenMetrics');
    expect(errors[0]?.msg).toContain('raised on enqueue');
    // listeners after the broken one still hear everything, and the jobs' own lines are written
    expect(after.filter((name) => name === 'finish')).toHaveLength(2);
    expect(logs.events().filter((e) => e === 'finish')).toHaveLength(2);
  });

  it('refuses something that is not a function', () => {
    expect(() => onJobEvent('nope' as unknown as () => void)).toThrow(
      'onJobEvent needs a function (got string)',
    );
  });
});

describe('jobLines', () => {
  beforeEach(() => {
    useTestAdapter();
  });

  afterEach(() => {
    configureBacklot({ jobLines: 'both' });
  });

  it.each<[JobLines, string[]]>([
    ['both', ['enqueue', 'start', 'finish']],
    ['finish', ['enqueue', 'finish']],
    ['none', ['enqueue']],
  ])("'%s' writes %j for a job that completes", async (jobLines, expected) => {
    const logs = captureLogs('info');
    configureBacklot({ jobLines });
    await EventsJob.performLater(0);
    await performEnqueuedJobs();
    expect(logs.events().filter((e) => e !== undefined)).toEqual(expected);
  });

  it("keeps the retry line at 'none'", async () => {
    const logs = captureLogs('info');
    configureBacklot({ jobLines: 'none' });
    await EventsJob.performLater(1);
    await performEnqueuedJobs();
    expect(logs.events().filter((e) => e !== undefined)).toEqual(['enqueue', 'retry']);
  });

  it('refuses an unknown value, naming the choices', () => {
    expect(() => configureBacklot({ jobLines: 'some' as JobLines })).toThrow(SettingsError);
    expect(() => configureBacklot({ jobLines: 'some' as JobLines })).toThrow(
      `jobLines must be one of 'both', 'finish', 'none' (got "some")`,
    );
  });
});

describe('Job#logger', () => {
  it("writes through the framework logger, bound to the job's id and class", async () => {
    useTestAdapter();
    const logs = captureLogs('info');
    const job = await EventsJob.performLater(0);
    await performEnqueuedJobs();
    const line = logs.lines.find((l) => l.msg === 'from the job');
    expect(line).toMatchObject({ jobId: job.jobId, jobClass: 'InstrumentationTest_Events', step: 'done' });
  });
});
