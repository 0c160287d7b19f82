// Job history's recorder on a real in-process BullMQ worker, a redis-server of the file's own (so
// FLUSHDB touches nobody else) and the worker's PostgreSQL test database: executions outlive
// Redis retention and a flush; a failing history write leaves the jobs' own outcomes unchanged.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  executionRecordOf,
  Job,
  JobInspector,
  markRecord,
  registerJobs,
  setRecordLocator,
  backlotSettings,
} from '../../../app/framework/index';
import { HistoryRecorder } from '../../../app/services/job-history/recorder';
import { jobTimeline, parseHistoryQuery, searchHistory } from '../../../app/services/job-history/search';
import { truncateAll, disconnectTestPrisma } from '../../support/database';
import { captureLogs } from '../../support/log-capture';
import { useRedisServer } from '../../runtime/support';
import { useRecordingWorker } from './recording-support';

class HistoryOkJob extends Job {
  static override jobName = 'History_OkJob';
  perform(_post: object, _options: { size: number; password: string }) {
    return 'done';
  }
}

class BoomError extends Error {}

class HistoryFailJob extends Job {
  static override jobName = 'History_FailJob';
  perform(_n: number) {
    throw new BoomError('boom');
  }
}

const QUEUE = 'default';

describe('job history recorder', () => {
  const redisServer = useRedisServer();
  let adapter: BullmqAdapter;
  let logs: ReturnType<typeof captureLogs>;
  const opened: Redis[] = [];
  const connection = (blocking = false) => {
    const c = new Redis(redisServer.url, { maxRetriesPerRequest: blocking ? null : 3 });
    opened.push(c);
    return c;
  };

  beforeAll(() => {
    logs = captureLogs('info');
    // completedCount 0: BullMQ removes a completed job at once (Redis retention at its shortest).
    adapter = new BullmqAdapter({
      connection: connection(),
      prefix: '{hist}',
      retention: { completedCount: 0 },
    });
    configureBacklot({ adapter, queues: [QUEUE], filterKeys: ['password'] });
    registerJobs([HistoryOkJob, HistoryFailJob]);
    setRecordLocator({ locate: (_model, id) => Promise.resolve({ id }) });
  });
  // Registered before useRecordingWorker's: runs after it (stack order), once the worker is closed.
  afterAll(async () => {
    setRecordLocator(undefined);
    await adapter?.close();
    await Promise.all(opened.map((c) => c.quit().catch(() => c.disconnect())));
    await disconnectTestPrisma();
  });

  const history = useRecordingWorker({
    queues: [QUEUE],
    prefix: '{hist}',
    connection: () => connection(true),
  });

  beforeEach(() => truncateAll());

  async function finished(job: Job): Promise<void> {
    const bullJob = await adapter.queue(QUEUE).getJob(job.jobId);
    await bullJob?.waitUntilFinished(history.events, 10_000).catch(() => undefined);
  }

  async function rowCount(): Promise<number> {
    const { rows } = await history.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM job_executions');
    return rows[0]?.n ?? 0;
  }

  it('records each execution with filtered arguments, and keeps it after Redis retention and FLUSHDB', async () => {
    const ok = await HistoryOkJob.performLater(markRecord({ id: 123 }, 'Post'), {
      size: 640,
      password: 'hunter2',
    });
    const bad = await HistoryFailJob.performLater(7);
    await Promise.all([finished(ok), finished(bad)]);
    await history.recorder.flush();

    // Retention removed the completed job from Redis already; FLUSHDB removes everything else.
    expect(await adapter.queue(QUEUE).getJob(ok.jobId)).toBeUndefined();
    await connection().flushdb();
    expect(await adapter.queue(QUEUE).getJob(bad.jobId)).toBeUndefined();

    const [completed] = await jobTimeline(history.pool, ok.jobId);
    expect(completed).toMatchObject({
      jobClass: 'History_OkJob',
      queue: QUEUE,
      state: 'completed',
      attempt: 1,
      errorClass: null,
      workerPid: process.pid,
    });
    expect(completed?.arguments).toEqual([
      { _bl: 'Record', v: { model: 'Post', id: 123 } },
      { size: 640, password: '[FILTERED]' },
    ]);
    expect(JSON.stringify(completed)).not.toContain('hunter2');
    expect(completed?.finishedAt.getTime()).toBeGreaterThanOrEqual(
      completed?.startedAt.getTime() ?? Infinity,
    );

    const [failed] = await jobTimeline(history.pool, bad.jobId);
    expect(failed).toMatchObject({ state: 'failed', errorClass: 'BoomError', errorMessage: 'boom' });

    const inspector = new JobInspector(adapter, [QUEUE]);
    const byRef = await searchHistory(
      history.pool,
      parseHistoryQuery({ args: 'Post#123' }, [QUEUE]),
      inspector,
    );
    expect(byRef.executions.map((e) => e.jobId)).toEqual([ok.jobId]);
    const byKey = await searchHistory(
      history.pool,
      parseHistoryQuery({ args: 'size=640' }, [QUEUE]),
      inspector,
    );
    expect(byKey.total).toBe(1);
    const secret = await searchHistory(
      history.pool,
      parseHistoryQuery({ args: 'hunter2' }, [QUEUE]),
      inspector,
    );
    expect(secret.total).toBe(0);
  });

  it('leaves the jobs’ outcomes unchanged when history cannot be written, logs one line, and recovers', async () => {
    const before = history.recorder.stats().lost;
    await history.pool.query('ALTER TABLE job_executions RENAME TO job_executions_away');
    try {
      const jobs = [
        await HistoryOkJob.performLater(markRecord({ id: 1 }, 'Post'), { size: 1, password: 'p' }),
        await HistoryOkJob.performLater(markRecord({ id: 2 }, 'Post'), { size: 2, password: 'p' }),
        await HistoryFailJob.performLater(1),
      ];
      const failing = jobs[2] as Job;
      await Promise.all(jobs.map(finished));
      await history.recorder.flush();
      // Completed jobs are gone (retention 0) rather than failed; the failing job failed with its own error.
      const inspector = new JobInspector(adapter, [QUEUE]);
      expect(await adapter.queue(QUEUE).getJob((jobs[0] as Job).jobId)).toBeUndefined();
      const status = await inspector.status(failing.jobId);
      expect(status.state).toBe('failed');
      expect(status.error).toBe('boom');
      expect(history.recorder.stats().lost - before).toBe(3);
      await HistoryFailJob.performLater(2).then(finished);
      await history.recorder.flush();
      expect(history.recorder.stats().lost - before).toBe(4);
      expect(logs.lines.filter((l) => l.event === 'job_history_outage')).toHaveLength(1);
    } finally {
      await history.pool.query('ALTER TABLE job_executions_away RENAME TO job_executions');
    }
    await HistoryFailJob.performLater(3).then(finished);
    await history.recorder.flush();
    expect(await rowCount()).toBe(1);
    const recovered = logs.lines.filter((l) => l.event === 'job_history_recovered');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.lost).toBe(4);
  });

  it('drops and counts what does not fit its bounded buffer, and flushes the rest on stop', async () => {
    const small = new HistoryRecorder({
      db: history.pool,
      logger: backlotSettings().logger,
      filterKeys: [],
      flushIntervalMs: 60_000,
      batchSize: 100,
      maxBuffered: 3,
    });
    // As a history.worker loads it: from the stored payload.
    const job = new HistoryFailJob().loadPayload(HistoryFailJob.build(1).serialize());
    job.executions = 1;
    for (let i = 0; i < 5; i += 1)
      small.record(
        executionRecordOf(job, { status: 'failed', error: new BoomError('x'), exhausted: true }, Date.now()),
      );
    expect(small.stats()).toMatchObject({ buffered: 3, lost: 2 });
    await small.stop();
    expect(small.stats()).toMatchObject({ buffered: 0, written: 3, lost: 2 });
    expect(await rowCount()).toBe(3);
    // Arguments without a secret key are stored as they are, and searchable.
    const { rows } = await history.pool.query<{ arguments: unknown; search_terms: string[] }>(
      'SELECT arguments, search_terms FROM job_executions LIMIT 1',
    );
    expect(rows[0]).toEqual({ arguments: [1], search_terms: ['1'] });
  });
});
