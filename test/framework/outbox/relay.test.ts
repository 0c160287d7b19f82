/**
 * The outbox relay in this process, on the real test database and Redis: it wakes on the commit's
 * NOTIFY (no timer involved), moves rows in batches (one SELECT and one DELETE per batch, never a
 * statement per row), keeps the rows and backs off while the queue refuses them, and
 * readOutboxStatus reports what waits, the leader and the last error.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  Job,
  readOutboxStatus,
  registerJobs,
  startOutboxRelay,
  type RelaySession,
} from '../../../app/framework/index';
import { disconnectTestPrisma, testDatabaseUrl, testPrisma, truncateAll } from '../../support/database';
import { captureLogs } from '../../support/log-capture';
import { useRedisPrefix } from '../../support/redis';
import { waitUntil } from '../../support/wait';

class RelayedJob extends Job {
  static override jobName = 'Outbox_RelayedJob';
  perform(_n: number) {}
}

const db = testPrisma();
const waiting = async () =>
  (await db.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM job_outbox'))[0]?.n;

/** A pg.Client whose statements are recorded (the first word of each). */
function recordingSession(statements: string[]): () => RelaySession {
  return () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    const query = client.query.bind(client) as (
      text: string,
      values?: unknown[],
    ) => Promise<{ rows: unknown[] }>;
    return Object.assign(client, {
      query: (text: string, values?: unknown[]) => {
        statements.push(text.trim().split(/\s+/)[0] ?? '');
        return query(text, values);
      },
    });
  };
}

describe('startOutboxRelay', () => {
  const redis = useRedisPrefix('outbox-relay');
  let adapter: BullmqAdapter;

  beforeAll(() => {
    adapter = new BullmqAdapter({ connection: redis.connection(), prefix: redis.prefix });
    configureBacklot({ adapter, queues: ['default'] });
    registerJobs([RelayedJob]);
  });
  beforeEach(() => truncateAll());
  afterAll(async () => {
    await adapter.close();
    await disconnectTestPrisma();
  });

  it('relays a committed job on its NOTIFY, with the periodic sweep an hour away', async () => {
    const relay = startOutboxRelay({
      openSession: () => new pg.Client({ connectionString: testDatabaseUrl() }),
      adapter,
      sweepIntervalMs: 3_600_000,
    });
    try {
      await waitUntil('the relay leads', () => relay.status === 'leading');
      await waitUntil('the first sweep found nothing', async () => (await waiting()) === 0);
      const job = await db.$transaction((tx) => RelayedJob.inTransaction(tx).performLater(1));
      await waitUntil(
        'the job is in BullMQ',
        async () => (await adapter.queue('default').getJob(job.jobId)) !== undefined,
        {
          timeoutMs: 5000,
        },
      );
      expect(await waiting()).toBe(0);
      expect(relay.relayedCount).toBe(1);
    } finally {
      await relay.stop();
    }
  });

  it('moves 2,500 rows in 3 batches of 1,000: one SELECT and one DELETE per batch', async () => {
    const before = await adapter.queue('default').getJobCountByTypes('waiting');
    const jobs = Array.from({ length: 2500 }, (_, i) => RelayedJob.build(i));
    await db.$transaction((tx) => Job.performAllLater(jobs, { transaction: tx }));
    const logs = captureLogs('debug');
    const statements: string[] = [];
    const relay = startOutboxRelay({ openSession: recordingSession(statements), adapter, batchSize: 1000 });
    try {
      await waitUntil('the outbox is empty', async () => (await waiting()) === 0);
      await waitUntil('the relay is idle', () => statements.filter((s) => s === 'SELECT').length >= 5);
    } finally {
      await relay.stop();
    }
    expect(statements.filter((s) => s === 'DELETE')).toHaveLength(3);
    expect(await adapter.queue('default').getJobCountByTypes('waiting')).toBe(before + 2500);
    expect(
      logs.lines.filter((l) => /^Relayed \d+ jobs from the outbox/.test(l.msg)).map((l) => l.count),
    ).toEqual([1000, 1000, 500]);
  });

  it('keeps the rows while the queue refuses them, backs off, logs WARN and records the error', async () => {
    await db.$transaction((tx) => RelayedJob.inTransaction(tx).performLater(1));
    const logs = captureLogs('info');
    const dead = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    dead.on('error', () => undefined);
    const away = new BullmqAdapter({ connection: dead, prefix: redis.prefix });
    away.queue('default').on('error', () => undefined); // expected: nobody listens there
    const relay = startOutboxRelay({
      openSession: () => new pg.Client({ connectionString: testDatabaseUrl() }),
      adapter: away,
      backoffMs: 20,
      maxBackoffMs: 80,
      name: 'relay-under-test',
    });
    try {
      await waitUntil('four failed passes', () => logs.lines.filter((l) => l.level === 40).length >= 4);
      expect(await waiting()).toBe(1);
      const retries = logs.lines.filter((l) => l.level === 40).map((l) => l.retryInMs);
      expect(retries.slice(0, 4)).toEqual([20, 40, 80, 80]);
      const status = await readOutboxStatus(new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 }));
      expect(status).toMatchObject({ waiting: 1, leader: { name: 'relay-under-test', alive: true } });
      expect(status.lastError?.message).toMatch(/./);
      expect(status.oldestAgeMs).toBeGreaterThanOrEqual(0);
    } finally {
      await relay.stop();
      await away.close().catch(() => undefined);
      dead.disconnect();
    }
    const after = await readOutboxStatus(new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 }));
    expect(after.leader?.alive, 'no session holds the lock once the relay stopped').toBe(false);
  });
});
