/**
 * For specs that run app code enqueueing through the job outbox (Job.inTransaction) on the BullMQ
 * adapter with an in-process worker: a relay on this worker's test database, as bin/worker runs
 * one, and a wait until every committed job left the outbox for Redis.
 *
 * useOutboxAdapter: the set-up of the outbox's own specs: a BullMQ adapter on the describe block's
 * own Redis prefix (queues default and mail, `jobs` registered), an emptied database before each
 * spec, the adapter closed and Prisma disconnected after the block; withTestAdapter(fn) runs fn
 * with an in-process TestAdapter configured instead, then configures the BullMQ adapter again;
 * useRelay() relays the outbox onto that adapter.
 * mailJobClass / uniquePostJobClass: the two job classes those specs stage, named per spec.
 *
 * Example (in a describe block):
 *   const outbox = useOutboxRelay(() => adapter, { prefix: scope.prefix });
 *   await approveBur(bur, moderator); await outbox.drained();   // the job is in Redis now
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  Job,
  registerJobs,
  startOutboxRelay,
  type AnyJobClass,
  type OutboxRelay,
  TestAdapter,
  type QueueAdapter,
} from '../../app/framework/index';
import { disconnectTestPrisma, testDatabaseUrl, truncateAll } from './database';
import { useRedisPrefix } from './redis';
import { waitUntil } from './wait';

export interface TestOutboxRelay {
  /** Resolves once the outbox is empty (every committed job is in Redis). */
  drained(): Promise<void>;
  /** Stops the relay until resume(): rows stay in the outbox. */
  pause(): Promise<void>;
  resume(): void;
}

export function useOutboxRelay(
  adapter: () => QueueAdapter,
  { prefix, sweepIntervalMs = 100 }: { prefix: string; sweepIntervalMs?: number },
): TestOutboxRelay {
  let relay: OutboxRelay | undefined;
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
  const start = () => {
    relay = startOutboxRelay({
      openSession: () => new pg.Client({ connectionString: testDatabaseUrl() }),
      // Looked up per batch: the file's own beforeAll may create the adapter after this one ran.
      adapter: {
        enqueueStaged: (jobs) => {
          const current = adapter();
          if (!current.enqueueStaged) throw new Error(`the ${current.name} adapter cannot take staged jobs`);
          return current.enqueueStaged(jobs);
        },
      },
      prefix,
      sweepIntervalMs,
    });
  };
  beforeAll(start);
  afterAll(async () => {
    await relay?.stop();
    await pool.end();
  });
  return {
    async drained() {
      await waitUntil('the job outbox is empty', async () => {
        const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM job_outbox');
        return rows[0]?.n === 0;
      });
    },
    async pause() {
      await relay?.stop();
      relay = undefined;
    },
    resume: start,
  };
}

/** A job whose perform(to, at?) does nothing: the outbox specs check how it is staged and relayed. */
export function mailJobClass(name: string) {
  return class extends Job {
    static override jobName = name;
    perform(_to: string, _at?: Date) {}
  };
}

/** A job unique by its post id (`post-<id>`), doing nothing. */
export function uniquePostJobClass(name: string) {
  return class extends Job {
    static override jobName = name;
    static {
      this.uniqueBy((postId: number) => `post-${postId}`);
    }
    perform(_postId: number) {}
  };
}

/** A job_outbox row as the outbox specs read it (each selects the columns it checks). */
export interface OutboxRow {
  job_id: string;
  kind: string;
  queue: string;
  name?: string;
  run_at: Date | null;
  data: { arguments: unknown[]; priority?: number };
}

export interface OutboxAdapterScope {
  /** Runs fn with an in-process TestAdapter configured; the BullMQ adapter is configured again after. */
  withTestAdapter(fn: (testAdapter: TestAdapter) => Promise<void>): Promise<void>;
  /** useOutboxRelay onto this adapter, in the describe block it is called in. */
  useRelay(options?: { sweepIntervalMs?: number }): TestOutboxRelay;
}

const OUTBOX_QUEUES = ['default', 'mail'];

/** Registers the outbox specs' hooks; `onAdapter` receives the adapter in beforeAll. */
export function useOutboxAdapter(
  label: string,
  jobs: AnyJobClass[],
  onAdapter: (adapter: BullmqAdapter) => void,
): OutboxAdapterScope {
  const redis = useRedisPrefix(label);
  let adapter: BullmqAdapter | undefined;
  beforeAll(() => {
    adapter = new BullmqAdapter({ connection: redis.connection(), prefix: redis.prefix });
    configureBacklot({ adapter, queues: OUTBOX_QUEUES });
    registerJobs(jobs);
    onAdapter(adapter);
  });
  beforeEach(() => truncateAll());
  afterAll(async () => {
    await adapter?.close();
    await disconnectTestPrisma();
  });
  return {
    async withTestAdapter(fn) {
      const testAdapter = new TestAdapter();
      configureBacklot({ adapter: testAdapter });
      try {
        await fn(testAdapter);
      } finally {
        if (adapter) configureBacklot({ adapter, queues: OUTBOX_QUEUES });
      }
    },
    useRelay: (options) =>
      useOutboxRelay(
        () => {
          if (!adapter) throw new Error('useOutboxAdapter: the adapter is made in beforeAll');
          return adapter;
        },
        { ...options, prefix: redis.prefix },
      ),
  };
}
