import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BullmqAdapter,
  clockKeys,
  configureBacklot,
  createClock,
  Job,
  JobOptionsError,
  readClockStatus,
  registerJobs,
  ScheduleError,
  UnknownScheduledJobError,
  type Clock,
  type ScheduleEntry,
  type RedisConnection,
} from '../../../app/framework/index';
import { captureLogs } from '../../support/log-capture';
import { useRedisPrefix } from '../../support/redis';

class ClockTest_ReportJob extends Job {
  perform(day: string, verbose = false) {
    return { day, verbose };
  }
}

class ClockTest_BrokenJob extends Job {
  static {
    this.beforeEnqueue(() => {
      throw new Error('queue store unavailable');
    });
  }
  perform() {}
}

class ClockTest_HaltedJob extends Job {
  static {
    this.beforeEnqueue(() => false);
  }
  perform() {}
}

class ClockTest_UnregisteredJob extends Job {
  perform() {}
}

const AT = new Date('2025-03-01T10:00:00Z');

describe('the clock (real Redis)', () => {
  const scope = useRedisPrefix('clock');
  let adapter: BullmqAdapter;
  let queue: Queue;
  let redis: RedisConnection;
  const clocks: Clock[] = [];

  function clock(
    entries: ScheduleEntry[],
    connection: RedisConnection = redis,
    heartbeatIntervalMs?: number,
  ): Clock {
    const made = createClock({ entries, redis: connection, prefix: scope.prefix, heartbeatIntervalMs });
    clocks.push(made);
    return made;
  }

  beforeAll(() => {
    redis = scope.connection();
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: [] });
    registerJobs([ClockTest_ReportJob, ClockTest_BrokenJob, ClockTest_HaltedJob]);
    queue = new Queue('default', { connection: scope.connection(), prefix: scope.prefix });
  });

  afterAll(async () => {
    await Promise.all(clocks.map((c) => c.stop()));
    await queue.close();
    await adapter.close();
  });

  async function jobIds(): Promise<string[]> {
    return (await queue.getJobs(['waiting'])).map((j) => String(j.id)).sort();
  }

  it('enqueues the task’s job with its arguments under the id cron.<task>.<time>, and records the outcome', async () => {
    const c = clock([
      { name: 'report', cron: '0 * * * *', job: ClockTest_ReportJob, args: ['monday', true] },
    ]);
    const task = c.tasks[0]!;
    const result = await c.tick(task, AT);
    expect(result).toEqual({
      task: 'report',
      scheduledAt: '2025-03-01T10:00:00.000Z',
      jobId: 'cron.report.20250301T100000Z',
      outcome: 'enqueued',
    });
    const job = await queue.getJob('cron.report.20250301T100000Z');
    expect(job?.name).toBe('ClockTest_ReportJob');
    expect((job?.data as { arguments: unknown[] }).arguments).toEqual(['monday', true]);
    const status = await readClockStatus(redis, scope.prefix, c.tasks);
    expect(status.tasks[0]).toMatchObject({
      name: 'report',
      lastRun: '2025-03-01T10:00:00.000Z',
      lastOutcome: 'enqueued',
      jobId: 'cron.report.20250301T100000Z',
      duplicates: 0,
    });
  });

  it('enqueues a tick once when two clocks handle it at the same moment', async () => {
    const entries: ScheduleEntry[] = [
      { name: 'shared', cron: '*/5 * * * *', job: ClockTest_ReportJob, args: ['tuesday'] },
    ];
    const first = clock(entries, scope.connection());
    const second = clock(entries, scope.connection());
    const results = await Promise.all([first.tick(first.tasks[0]!, AT), second.tick(second.tasks[0]!, AT)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['duplicate', 'enqueued']);
    expect((await jobIds()).filter((id) => id.startsWith('cron.shared.'))).toEqual([
      'cron.shared.20250301T100000Z',
    ]);
    const status = await readClockStatus(redis, scope.prefix, first.tasks);
    expect(status.tasks[0]).toMatchObject({ lastOutcome: 'enqueued', duplicates: 1 });

    // The next tick is a new job; a clock running behind does not enqueue an older tick again.
    const later = new Date(AT.getTime() + 5 * 60_000);
    expect((await second.tick(second.tasks[0]!, later)).outcome).toBe('enqueued');
    expect((await first.tick(first.tasks[0]!, AT)).outcome).toBe('duplicate');
    expect((await jobIds()).filter((id) => id.startsWith('cron.shared.'))).toEqual([
      'cron.shared.20250301T100000Z',
      'cron.shared.20250301T100500Z',
    ]);
  });

  it('stores one job per id even when the claim is lost (BullMQ refuses a second job with the id)', async () => {
    const c = clock([
      { name: 'reclaimed', cron: '0 * * * *', job: ClockTest_ReportJob, args: ['wednesday'] },
    ]);
    await c.tick(c.tasks[0]!, AT);
    await redis.hdel(clockKeys(scope.prefix).tasks, 'reclaimed');
    await c.tick(c.tasks[0]!, AT);
    expect((await jobIds()).filter((id) => id.startsWith('cron.reclaimed.'))).toEqual([
      'cron.reclaimed.20250301T100000Z',
    ]);
  });

  it('logs and records a task that fails to enqueue, and still enqueues the others', async () => {
    const logs = captureLogs('info');
    const c = clock([
      { name: 'broken', cron: '0 * * * *', job: ClockTest_BrokenJob },
      { name: 'healthy', cron: '0 * * * *', job: ClockTest_ReportJob, args: ['thursday'] },
    ]);
    const [broken, healthy] = await Promise.all(c.tasks.map((t) => c.tick(t, AT)));
    expect(broken).toMatchObject({ outcome: 'error', error: 'Error: queue store unavailable' });
    expect(healthy).toMatchObject({ outcome: 'enqueued' });
    expect(await jobIds()).toContain('cron.healthy.20250301T100000Z');
    const failure = logs.lines.find((l) => l.event === 'cron_tick' && l.task === 'broken');
    expect(failure).toMatchObject({
      level: 50,
      msg: 'Cron broken (2025-03-01T10:00:00.000Z): failed to enqueue ClockTest_BrokenJob: Error: queue store unavailable',
    });
    const status = await readClockStatus(redis, scope.prefix, c.tasks);
    expect(status.tasks.map((t) => [t.name, t.lastOutcome, t.error])).toEqual([
      ['broken', 'error', 'Error: queue store unavailable'],
      ['healthy', 'enqueued', undefined],
    ]);
  });

  it('records a tick whose before_enqueue callback halted as halted', async () => {
    const c = clock([{ name: 'halted', cron: '0 * * * *', job: ClockTest_HaltedJob }]);
    expect((await c.tick(c.tasks[0]!, AT)).outcome).toBe('halted');
    expect(await queue.getJob('cron.halted.20250301T100000Z')).toBeUndefined();
  });

  it('on its own schedule, ticks every task through node-cron; one failing task does not stop the other', async () => {
    const c = clock([
      { name: 'every_second_broken', cron: '* * * * * *', job: ClockTest_BrokenJob },
      { name: 'every_second', cron: '* * * * * *', job: ClockTest_ReportJob, args: ['friday'] },
    ]);
    c.start();
    const deadline = Date.now() + 5_000;
    let ids: string[] = [];
    while (Date.now() < deadline) {
      ids = (await jobIds()).filter((id) => id.startsWith('cron.every_second.'));
      if (ids.length >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await c.stop();
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) expect(id).toMatch(/^cron\.every_second\.\d{8}T\d{6}Z$/);
    const status = await readClockStatus(redis, scope.prefix, c.tasks);
    expect(status.tasks[0]).toMatchObject({ lastOutcome: 'error' });
    expect(status.tasks[1]).toMatchObject({ lastOutcome: 'enqueued' });
  });

  it('beats at start and then every interval; the beat goes stale two minutes after the last one', async () => {
    const c = clock(
      [{ name: 'beating', cron: '0 0 1 1 *', job: ClockTest_ReportJob, args: ['new year'] }],
      redis,
      200,
    );
    c.start();
    await new Promise((r) => setTimeout(r, 100));
    const first = await readClockStatus(redis, scope.prefix, c.tasks);
    expect(first.stale).toBe(false);
    expect(first.clocks.map((k) => k.clock)).toContain(c.id);
    await new Promise((r) => setTimeout(r, 500));
    const second = await readClockStatus(redis, scope.prefix, c.tasks);
    expect(Date.parse(second.heartbeat!.at)).toBeGreaterThan(Date.parse(first.heartbeat!.at));
    await c.stop();
    const stopped = await readClockStatus(redis, scope.prefix, c.tasks);
    expect(stopped.clocks.map((k) => k.clock)).not.toContain(c.id);
    expect(stopped.heartbeat?.clock).toBe(c.id);
    const later = new Date(Date.parse(stopped.heartbeat!.at) + 2 * 60_000 + 1);
    expect((await readClockStatus(redis, scope.prefix, c.tasks, later)).stale).toBe(true);
  });

  it('counts no heartbeat at all as stale', async () => {
    const other = await readClockStatus(redis, `${scope.prefix}-none`, []);
    expect(other).toMatchObject({ heartbeat: undefined, stale: true, clocks: [] });
  });
});

describe('checking the schedule at boot', () => {
  const scope = useRedisPrefix('clock-boot');
  const make = (entries: ScheduleEntry[]) => () =>
    createClock({ entries, redis: scope.connection(), prefix: scope.prefix });

  beforeAll(() => registerJobs([ClockTest_ReportJob]));

  it('refuses an entry naming a job class that is not registered, naming the entry and the class', () => {
    expect(make([{ name: 'orphan', cron: '0 * * * *', job: ClockTest_UnregisteredJob }])).toThrow(
      UnknownScheduledJobError,
    );
    expect(make([{ name: 'orphan', cron: '0 * * * *', job: 'NoSuchJob' }])).toThrow(
      /^schedule entry "orphan" names job class NoSuchJob, which is not registered \(registered: .*ClockTest_ReportJob.*\)$/,
    );
  });

  it('refuses an invalid cron expression, time zone, name, duplicate name or argument', () => {
    expect(make([{ name: 'bad', cron: '61 * * * *', job: ClockTest_ReportJob }])).toThrow(
      'schedule entry "bad" has an invalid cron expression "61 * * * *": 61 is a invalid expression for minute',
    );
    expect(make([{ name: 'bad', cron: '0 * * *', job: ClockTest_ReportJob }])).toThrow(
      /expected 5 or 6 fields but got 4/,
    );
    expect(
      make([{ name: 'bad', cron: '0 * * * *', job: ClockTest_ReportJob, timezone: 'Mars/Olympus' }]),
    ).toThrow('schedule entry "bad" has an unknown time zone "Mars/Olympus"');
    expect(make([{ name: 'no spaces', cron: '0 * * * *', job: ClockTest_ReportJob }])).toThrow(ScheduleError);
    const twice: ScheduleEntry = { name: 'twice', cron: '0 * * * *', job: ClockTest_ReportJob };
    expect(make([twice, twice])).toThrow('two schedule entries are named "twice"');
    expect(make([{ name: 'bad', cron: '0 * * * *', job: ClockTest_ReportJob, args: [() => 1] }])).toThrow(
      /^schedule entry "bad": /,
    );
  });

  it('reads the expression in UTC unless the entry names a time zone', () => {
    const c = createClock({
      entries: [
        { name: 'utc', cron: '0 3 * * *', job: ClockTest_ReportJob },
        { name: 'berlin', cron: '0 3 * * *', job: ClockTest_ReportJob, timezone: 'Europe/Berlin' },
      ],
      redis: scope.connection(),
      prefix: scope.prefix,
    });
    expect(c.tasks.map((t) => t.timezone)).toEqual(['UTC', 'Europe/Berlin']);
  });
});

describe('Job.set({ jobId })', () => {
  const scope = useRedisPrefix('clock-jobid');

  it('gives the job that id in BullMQ, and a second job with a stored id adds nothing', async () => {
    const adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: [] });
    const job = await ClockTest_ReportJob.set({ jobId: 'report.once' }).performLater('saturday');
    expect([job.jobId, job.providerJobId]).toEqual(['report.once', 'report.once']);
    await ClockTest_ReportJob.set({ jobId: 'report.once' }).performLater('sunday');
    const stored = await adapter.queue('default').getJobs(['waiting']);
    expect(stored.map((j) => [j.id, (j.data as { arguments: unknown[] }).arguments])).toEqual([
      ['report.once', ['saturday']],
    ]);
    await adapter.close();
  });

  it('refuses ids BullMQ would refuse, naming the option', () => {
    for (const bad of ['', 'a:b', '123', 'x'.repeat(201)]) {
      expect(() => ClockTest_ReportJob.set({ jobId: bad }).build('monday')).toThrow(JobOptionsError);
    }
    expect(() => ClockTest_ReportJob.set({ jobId: 'a:b' }).build('monday')).toThrow(
      `jobId must be 1-200 characters, not an integer, without ':' (got "a:b")`,
    );
  });
});
