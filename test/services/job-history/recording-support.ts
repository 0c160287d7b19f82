/**
 * The history recorder's specs' shared set-up: in a describe block, after the file's own beforeAll
 * configured Backlot (the recorder takes the configured logger), a pool on this worker's test
 * database, a HistoryRecorder on it (passwords filtered, flushed every 50 ms) set as the execution
 * recorder, QueueEvents on the first queue and an in-process worker (concurrency 2) on `queues`.
 * afterAll unsets the recorder and closes the worker, the events and the pool.
 *
 * Example:
 *   const history = useRecordingWorker({ queues: ['default'], prefix, connection: () => blocking() });
 *   await history.recorder.flush(); await jobTimeline(history.pool, jobId);
 */
import { QueueEvents } from 'bullmq';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createDbPool } from '../../../app/db/pg-pool';
import {
  backlotSettings,
  setExecutionRecorder,
  startWorker,
  type RedisConnection,
  type RunningWorker,
} from '../../../app/framework/index';
import { HistoryRecorder } from '../../../app/services/job-history/recorder';
import { testDatabaseUrl } from '../../support/database';
import { withLateParts } from '../../support/late-parts';

export interface RecordingWorker {
  readonly pool: pg.Pool;
  readonly recorder: HistoryRecorder;
  readonly events: QueueEvents;
  readonly worker: RunningWorker;
}

export function useRecordingWorker(options: {
  queues: string[];
  prefix: string;
  /** A new blocking connection (maxRetriesPerRequest null) for QueueEvents and the worker. */
  connection: () => RedisConnection;
}): RecordingWorker {
  const { queues, prefix, connection } = options;
  let parts: RecordingWorker | undefined;
  let pool: pg.Pool | undefined;
  let events: QueueEvents | undefined;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    pool = createDbPool(testDatabaseUrl(), 2);
    const recorder = new HistoryRecorder({
      db: pool,
      logger: backlotSettings().logger,
      filterKeys: ['password'],
      flushIntervalMs: 50,
    });
    setExecutionRecorder(recorder);
    events = new QueueEvents(queues[0] ?? 'default', { connection: connection(), prefix });
    await events.waitUntilReady();
    worker = startWorker({ queues, concurrency: 2, connection: connection(), prefix });
    parts = { pool, recorder, events, worker };
  });

  afterAll(async () => {
    setExecutionRecorder(undefined);
    await worker?.close();
    await events?.close();
    await pool?.end();
  });

  return withLateParts<RecordingWorker, keyof RecordingWorker>(
    'useRecordingWorker',
    {},
    ['pool', 'recorder', 'events', 'worker'],
    () => parts,
  );
}
