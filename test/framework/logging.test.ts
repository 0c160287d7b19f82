import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  DeserializationError,
  filterSecrets,
  Job,
  markRecord,
  registerJobs,
  setRecordLocator,
  startWorker,
  type RunningWorker,
} from '../../app/framework/index';
import { performEnqueuedJobs, useTestAdapter } from '../../app/framework/testing/test-helper';
import { captureLogs, type LogLine } from '../support/log-capture';
import { logPerformed, logStarted } from '../../app/framework/job-lines';
import { gateOnPinoVersion } from '../../app/framework/log-line';
import { pino } from 'pino';
import { useRedisPrefix } from '../support/redis';

const INFO = 30;
const ERROR = 50;

class FlakyError extends Error {
  override name = 'FlakyError';
}
class ObsoleteError extends Error {
  override name = 'ObsoleteError';
}

class SignupJob extends Job {
  static override jobName = 'LoggingTest_Signup';
  static {
    this.queueAs('mailers');
  }
  perform(
    user: { email: string; password: string; profile: { token: string; Password: string } },
    note: string,
  ) {
    return `${user.email} ${note}`;
  }
}

let flakyRuns = 0;

class FlakyJob extends Job {
  static override jobName = 'LoggingTest_Flaky';
  static {
    this.retryOn(FlakyError, { attempts: 2, wait: 0 });
  }
  perform() {
    flakyRuns += 1;
    if (flakyRuns === 1) throw new FlakyError('first run fails');
  }
}

class ObsoleteJob extends Job {
  static override jobName = 'LoggingTest_Obsolete';
  static {
    this.discardOn(ObsoleteError);
  }
  perform() {
    throw new ObsoleteError('no longer needed');
  }
}

class BrokenJob extends Job {
  static override jobName = 'LoggingTest_Broken';
  perform() {
    throw new TypeError('broken for good');
  }
}

class ArchivePostJob extends Job {
  static override jobName = 'LoggingTest_ArchivePost';
  static {
    this.discardOn(DeserializationError);
  }
  perform(post: { id: number }) {
    return post.id;
  }
}

const user = {
  email: 'ada@example.com',
  password: 'hunter2',
  profile: { token: 'abc', Password: 'nested secret' },
};

function linesOf(lines: LogLine[], jobId: string): LogLine[] {
  return lines.filter((l) => l.jobId === jobId);
}

describe('job log lines', () => {
  beforeEach(() => {
    flakyRuns = 0;
    useTestAdapter();
    configureBacklot({ queues: [], filterKeys: ['password'] });
  });

  it('logs one INFO line for the enqueue, the start and the finish, each identifying the job', async () => {
    const logs = captureLogs('info');
    const job = await SignupJob.performLater(user, 'welcome');
    await performEnqueuedJobs();
    const lines = linesOf(logs.lines, job.jobId);
    expect(lines.map((l) => [l.event, l.level])).toEqual([
      ['enqueue', INFO],
      ['start', INFO],
      ['finish', INFO],
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({ jobId: job.jobId, jobClass: 'LoggingTest_Signup', queue: 'mailers' });
      expect(line.attempt).toEqual(expect.any(Number));
      expect(line).not.toHaveProperty('arguments');
    }
    expect(lines.map((l) => l.attempt)).toEqual([0, 1, 1]);
    expect(lines[2]?.durationMs).toEqual(expect.any(Number));
    expect(lines[0]?.msg).toBe(`Enqueued LoggingTest_Signup (Job ID: ${job.jobId}) to mailers`);
    expect(lines[2]?.msg).toMatch(
      new RegExp(`^Performed LoggingTest_Signup \\(Job ID: ${job.jobId}\\) from mailers in [0-9.]+ms$`),
    );
    expect(JSON.stringify(logs.lines)).not.toContain('hunter2');
  });

  it('logs a retry, then the next attempt', async () => {
    const logs = captureLogs('info');
    const job = await FlakyJob.performLater();
    await performEnqueuedJobs();
    const lines = linesOf(logs.lines, job.jobId);
    expect(lines.map((l) => [l.event, l.attempt])).toEqual([
      ['enqueue', 0],
      ['start', 1],
      ['retry', 1],
      ['start', 2],
      ['finish', 2],
    ]);
    const retry = lines[2];
    expect(retry).toMatchObject({
      level: INFO,
      jobClass: 'LoggingTest_Flaky',
      queue: 'default',
      error: 'FlakyError (first run fails)',
    });
    expect(retry?.durationMs).toEqual(expect.any(Number));
    expect(retry?.msg).toContain('due to a FlakyError (first run fails)');
  });

  it('logs a discard at INFO', async () => {
    const logs = captureLogs('info');
    const job = await ObsoleteJob.performLater();
    await performEnqueuedJobs();
    const discard = linesOf(logs.lines, job.jobId).filter((l) => l.event === 'discard');
    expect(discard).toHaveLength(1);
    expect(discard[0]).toMatchObject({
      level: INFO,
      jobClass: 'LoggingTest_Obsolete',
      queue: 'default',
      attempt: 1,
    });
    expect(discard[0]?.msg).toBe(
      `Discarded LoggingTest_Obsolete (Job ID: ${job.jobId}) due to a ObsoleteError (no longer needed)`,
    );
  });

  it('logs a failure at ERROR with the error', async () => {
    const logs = captureLogs('info');
    const job = await BrokenJob.performLater();
    await expect(performEnqueuedJobs()).rejects.toThrow('broken for good');
    const lines = linesOf(logs.lines, job.jobId);
    expect(lines.map((l) => l.event)).toEqual(['enqueue', 'start', 'failure']);
    const failure = lines[2];
    expect(failure).toMatchObject({
      level: ERROR,
      jobClass: 'LoggingTest_Broken',
      queue: 'default',
      attempt: 1,
    });
    expect(failure?.durationMs).toEqual(expect.any(Number));
    expect(failure?.err).toMatchObject({ type: 'TypeError', message: 'broken for good' });
    expect(failure?.msg).toContain('TypeError (broken for good)');
  });

  it('shows arguments at DEBUG, with the configured keys filtered at any depth', async () => {
    const logs = captureLogs('debug');
    const job = await SignupJob.performLater(user, 'welcome');
    await performEnqueuedJobs();
    const lines = linesOf(logs.lines, job.jobId);
    const filtered = [
      { email: 'ada@example.com', password: '[FILTERED]', profile: { token: 'abc', Password: '[FILTERED]' } },
      'welcome',
    ];
    const withArgs = lines.filter((l) => l.event === 'enqueue' || l.event === 'start');
    expect(withArgs).toHaveLength(2);
    for (const line of withArgs) expect(line.arguments).toEqual(filtered);
    expect(JSON.stringify(logs.lines)).not.toContain('hunter2');
    expect(JSON.stringify(logs.lines)).not.toContain('nested secret');
  });

  it('logs no start line for a job whose arguments cannot be restored, only the discard', async () => {
    setRecordLocator({ locate: () => Promise.resolve(null) });
    try {
      const logs = captureLogs('debug');
      const job = await ArchivePostJob.performLater(markRecord({ id: 12 }, 'Post'));
      await performEnqueuedJobs();
      const lines = linesOf(logs.lines, job.jobId);
      expect(lines.map((l) => [l.event, l.attempt])).toEqual([
        ['enqueue', 0],
        ['discard', 1],
      ]);
      expect(lines[1]?.error).toBe('DeserializationError (Post with id 12 no longer exists)');
    } finally {
      setRecordLocator(undefined);
    }
  });

  it('filterSecrets copies values, filtering keys case-insensitively inside arrays and objects', () => {
    const value = { list: [{ PASSWORD: 'x', keep: 1 }], big: 5n, when: new Date(0) };
    expect(filterSecrets(value, ['password'])).toEqual({
      list: [{ PASSWORD: '[FILTERED]', keep: 1 }],
      big: '5n',
      when: new Date(0),
    });
    expect(value.list[0]?.PASSWORD).toBe('x');
  });
});

describe('job log lines from a BullMQ worker', () => {
  const redis = useRedisPrefix('logging');
  let adapter: BullmqAdapter;
  let worker: RunningWorker;
  let events: QueueEvents;

  beforeAll(async () => {
    adapter = new BullmqAdapter({ connection: redis.connection(), prefix: redis.prefix });
    configureBacklot({ adapter, queues: [] });
    registerJobs([SignupJob]);
    events = new QueueEvents('mailers', {
      connection: redis.connection({ worker: true }),
      prefix: redis.prefix,
    });
    await events.waitUntilReady();
    worker = startWorker({
      queues: ['mailers'],
      connection: redis.connection({ worker: true }),
      prefix: redis.prefix,
    });
  });

  afterAll(async () => {
    await worker.close();
    await events.close();
    await adapter.close();
  });

  it('logs the start and finish of the first attempt with the queue', async () => {
    const logs = captureLogs('info');
    const job = await SignupJob.performLater(user, 'via bullmq');
    const bullJob = await adapter.queue('mailers').getJob(job.jobId);
    expect(await bullJob?.waitUntilFinished(events, 10_000)).toBe('ada@example.com via bullmq');
    const lines = linesOf(logs.lines, job.jobId);
    expect(lines.map((l) => [l.event, l.attempt, l.queue, l.jobClass])).toEqual([
      ['enqueue', 0, 'mailers', 'LoggingTest_Signup'],
      ['start', 1, 'mailers', 'LoggingTest_Signup'],
      ['finish', 1, 'mailers', 'LoggingTest_Signup'],
    ]);
  });
});

describe('the start and finish lines', () => {
  /** The lines logStarted/logPerformed write through `options` (fixed time, so lines compare byte for byte). */
  function linesThrough(options: pino.LoggerOptions, job: Job): string[] {
    const written: string[] = [];
    configureBacklot({
      logger: pino(
        { timestamp: () => ',"time":1', ...options },
        { write: (line: string) => written.push(line) },
      ),
    });
    logStarted(job);
    logPerformed(job, 12.3456);
    return written;
  }

  it.each([
    ['plain names', 'c2f1a6de-3b7e-4c8e-9a51-0e6d1f2a3b4c', 'mailers'],
    ['quotes, backslashes and non-ASCII', 'id "quoted" \\ é', 'queue "q"'],
    ['control characters', 'tab\there \u2028', 'mailers'],
  ])('are the lines pino itself writes, for %s', (_what, jobId, queue) => {
    const job = SignupJob.build(user, 'welcome');
    job.jobId = jobId;
    job.queueName = queue;
    job.executions = 3;
    // A streamWrite hook makes pino write through its own path, unchanged.
    const viaPino = linesThrough({ hooks: { streamWrite: (line) => line } }, job);
    const fast = linesThrough({}, job);
    expect(fast).toEqual(viaPino);
    expect(fast.map((line) => JSON.parse(line) as LogLine)).toMatchObject([
      {
        event: 'start',
        jobId,
        queue,
        attempt: 3,
        msg: `Performing LoggingTest_Signup (Job ID: ${jobId}) from ${queue}`,
      },
      {
        event: 'finish',
        jobId,
        queue,
        attempt: 3,
        durationMs: 12.346,
        msg: `Performed LoggingTest_Signup (Job ID: ${jobId}) from ${queue} in 12.3ms`,
      },
    ]);
  });

  it.each([
    ['plain names', 'c2f1a6de3b7e4c8e9a510e6d', 'mailers'],
    ['quotes, backslashes and non-ASCII', 'id "quoted" \\ é', 'queue "q"'],
  ])(
    'are the same lines when pino is not the version verified (its public path), for %s',
    (_what, jobId, queue) => {
      const job = SignupJob.build(user, 'welcome');
      job.jobId = jobId;
      job.queueName = queue;
      job.executions = 2;
      const fast = linesThrough({}, job);
      const restore = gateOnPinoVersion('0.0.0-unverified');
      let fallback: string[];
      try {
        fallback = linesThrough({}, job);
      } finally {
        restore();
      }
      expect(fallback).toEqual(fast);
      expect(fallback).toHaveLength(2);
    },
  );

  it.each([
    [1.0836749999998574, 1.084, '1.1'],
    [0.04, 0.04, '0.0'],
    [59.96, 59.96, '60.0'],
    [86_400_000.25, 86_400_000.25, '86400000.3'],
  ])('carry a duration of %s ms as durationMs %s and "in %sms"', (duration, durationMs, message) => {
    const job = SignupJob.build(user, 'welcome');
    job.executions = 1;
    const written: string[] = [];
    configureBacklot({ logger: pino({}, { write: (line: string) => written.push(line) }) });
    logPerformed(job, duration);
    const line = JSON.parse(written[0] ?? '{}') as LogLine;
    expect(line.durationMs).toBe(durationMs);
    expect(line.msg).toBe(`Performed LoggingTest_Signup (Job ID: ${job.jobId}) from mailers in ${message}ms`);
  });

  it("follow each logger's message key, bindings and pino's epoch time, one logger after another", () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_795_000_000_123 });
    try {
      const job = SignupJob.build(user, 'welcome');
      job.executions = 1;
      for (const options of [
        { timestamp: pino.stdTimeFunctions.epochTime },
        {
          timestamp: pino.stdTimeFunctions.epochTime,
          messageKey: 'message',
          base: { pid: 1, role: 'worker' },
        },
        { timestamp: pino.stdTimeFunctions.epochTime },
      ]) {
        const viaPino = linesThrough({ ...options, hooks: { streamWrite: (line) => line } }, job);
        const fast = linesThrough(options, job);
        expect(fast).toEqual(viaPino);
        vi.setSystemTime(Date.now() + 1);
      }
    } finally {
      vi.useRealTimers();
    }
  });
});
