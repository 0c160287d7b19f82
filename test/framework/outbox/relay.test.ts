/**
 * The outbox relay in this process, on the real test database and Redis: it wakes on the commit's
 * NOTIFY (no timer involved), moves rows in batches (one SELECT and one DELETE per batch, never a
 * statement per row), keeps the rows and backs off while the queue refuses them, moves only the rows
 * of its own queue prefix (two stacks may share one database), and readOutboxStatus reports what
 * waits, the leader and the last error.
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
  const otherStack = useRedisPrefix('outbox-relay-other');
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
      prefix: adapter.prefix,
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
    const relay = startOutboxRelay({
      openSession: recordingSession(statements),
      adapter,
      prefix: adapter.prefix,
      batchSize: 1000,
    });
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
      prefix: away.prefix,
      backoffMs: 20,
      maxBackoffMs: 80,
      name: 'relay-under-test',
    });
    try {
      await waitUntil('four failed passes', () => logs.lines.filter((l) => l.level === 40).length >= 4);
      expect(await waiting()).toBe(1);
      const retries = logs.lines.filter((l) => l.level === 40).map((l) => l.retryInMs);
      expect(retries.slice(0, 4)).toEqual([20, 40, 80, 80]);
      const status = await readOutboxStatus(
        new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 }),
        redis.prefix,
      );
      expect(status).toMatchObject({ waiting: 1, leader: { name: 'relay-under-test', alive: true } });
      expect(status.lastError?.message).toMatch(/./);
      expect(status.oldestAgeMs).toBeGreaterThanOrEqual(0);
    } finally {
      await relay.stop();
      await away.close().catch(() => undefined);
      dead.disconnect();
    }
    const after = await readOutboxStatus(
      new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 }),
      redis.prefix,
    );
    expect(after.leader?.alive, 'no session holds the lock once the relay stopped').toBe(false);
  });
  it("moves only its own prefix's rows (and rows staged before prefixes), so two stacks share a database", async () => {
    const other = new BullmqAdapter({ connection: otherStack.connection(), prefix: otherStack.prefix });
    configureBacklot({ adapter: other, queues: ['default'] });
    const theirs = await db.$transaction((tx) => RelayedJob.inTransaction(tx).performLater(2));
    configureBacklot({ adapter, queues: ['default'] });
    const ours = await db.$transaction((tx) => RelayedJob.inTransaction(tx).performLater(1));
    const legacy = await db.$transaction((tx) => RelayedJob.inTransaction(tx).performLater(3));
    await db.$executeRawUnsafe('UPDATE job_outbox SET queue_prefix = NULL WHERE job_id = $1', legacy.jobId);
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
    const start = (on: BullmqAdapter) =>
      startOutboxRelay({
        openSession: () => new pg.Client({ connectionString: testDatabaseUrl() }),
        adapter: on,
        prefix: on.prefix,
        sweepIntervalMs: 50,
      });
    const ourRelay = start(adapter);
    let theirRelay: ReturnType<typeof start> | undefined;
    try {
      await waitUntil('our job and the legacy one are relayed', async () => (await waiting()) === 1);
      expect(await adapter.queue('default').getJob(ours.jobId)).toBeDefined();
      expect(await adapter.queue('default').getJob(legacy.jobId)).toBeDefined();
      expect(await adapter.queue('default').getJob(theirs.jobId)).toBeUndefined();
      expect(await readOutboxStatus(pool, other.prefix)).toMatchObject({ waiting: 1, leader: null });
      expect((await readOutboxStatus(pool, adapter.prefix)).leader?.alive).toBe(true);

      theirRelay = start(other);
      await waitUntil('their relay leads beside ours', () => theirRelay?.status === 'leading');
      await waitUntil('their job is relayed', async () => (await waiting()) === 0);
      expect(await other.queue('default').getJob(theirs.jobId)).toBeDefined();
      expect(await other.queue('default').getJob(ours.jobId)).toBeUndefined();
      expect([ourRelay.relayedCount, theirRelay.relayedCount]).toEqual([2, 1]);
      expect((await readOutboxStatus(pool, other.prefix)).leader?.alive).toBe(true);
    } finally {
      await ourRelay.stop();
      await theirRelay?.stop();
      await other.close();
      await pool.end();
    }
  });
});
