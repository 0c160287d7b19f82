// Job history search on the real test database: each kind of filter, argument terms (key/value,
// bare value, record reference), paging newest first with counts, live Redis jobs on page 1,
// input errors naming their field, and retention.
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertExecutions, type ExecutionRow } from '../../../app/db/job-history.repository';
import { createDbPool } from '../../../app/db/pg-pool';
import {
  BullmqAdapter,
  configureBacklot,
  Job,
  JobInspector,
  registerJobs,
} from '../../../app/framework/index';
import { searchTermsOf } from '../../../app/services/job-history/search-terms';
import {
  HISTORY_PAGE_SIZE,
  HistoryQueryError,
  parseHistoryQuery,
  searchHistory,
} from '../../../app/services/job-history/search';
import { pruneJobHistory } from '../../../app/services/maintenance/job-history';
import { disconnectTestPrisma, testDatabaseUrl, truncateAll } from '../../support/database';
import { useRedisPrefix } from '../../support/redis';

const QUEUES = ['default', 'mail'];
const NOW = Date.parse('2026-12-03T12:00:00Z');
const HOUR = 3_600_000;

function row(overrides: Partial<ExecutionRow> & { args?: unknown[] }): ExecutionRow {
  const { args, ...rest } = overrides;
  return {
    jobId: 'j0',
    jobClass: 'ResizeJob',
    queue: 'default',
    state: 'completed',
    attempt: 1,
    arguments: args ?? null,
    searchTerms: args ? searchTermsOf(args) : [],
    errorClass: null,
    errorMessage: null,
    enqueuedAt: NOW - HOUR - 10,
    startedAt: NOW - HOUR,
    finishedAt: NOW - HOUR + 5,
    durationMs: 5,
    workerHost: 'host-a',
    workerPid: 10,
    ...rest,
  };
}

class HistoryLiveJob extends Job {
  static override jobName = 'History_LiveJob';
  perform(_n: number) {}
}

describe('job history search', () => {
  const redis = useRedisPrefix('history-search');
  let pool: pg.Pool;
  let adapter: BullmqAdapter;
  let inspector: JobInspector;
  const q = (input: Record<string, unknown>) => parseHistoryQuery(input, QUEUES);

  beforeAll(() => {
    pool = createDbPool(testDatabaseUrl(), 2);
    adapter = new BullmqAdapter({ connection: redis.connection(), prefix: redis.prefix });
    configureBacklot({ adapter, queues: QUEUES });
    registerJobs([HistoryLiveJob]);
    inspector = new JobInspector(adapter, QUEUES);
  });

  beforeEach(async () => {
    await truncateAll();
    await insertExecutions(pool, [
      row({ jobId: 'a1', args: [{ _bl: 'Record', v: { model: 'Post', id: 123 } }, 640] }),
      row({
        jobId: 'b1',
        state: 'retry',
        errorClass: 'TimeoutError',
        errorMessage: 'slow',
        args: [{ post: 123, tags: ['cat', 'dog'] }],
        finishedAt: NOW - 2 * HOUR,
      }),
      row({
        jobId: 'b1',
        attempt: 2,
        state: 'failed',
        errorClass: 'TimeoutError',
        errorMessage: 'slow again',
        args: [{ post: 123, tags: ['cat', 'dog'] }],
        finishedAt: NOW - HOUR + 60_000,
      }),
      row({
        jobId: 'c1',
        jobClass: 'MailDeliveryJob',
        queue: 'mail',
        args: ['hello', { user: 7 }],
        finishedAt: NOW - 30 * 60_000,
      }),
      row({
        jobId: 'd1',
        jobClass: 'ResizeJob',
        state: 'discarded',
        errorClass: 'DeserializationError',
        finishedAt: NOW - 40 * 24 * HOUR,
      }),
    ]);
  });

  afterAll(async () => {
    await adapter.close();
    await pool.end();
    await disconnectTestPrisma();
  });

  const ids = async (input: Record<string, unknown>) =>
    (await searchHistory(pool, q(input))).executions.map((e) => `${e.jobId}#${e.attempt}`);

  it('finds by job id, every attempt, newest first', async () => {
    expect(await ids({ jobId: 'b1' })).toEqual(['b1#2', 'b1#1']);
  });

  it('finds by argument: key/value, a bare value anywhere, a record reference, several terms at once', async () => {
    expect(await ids({ args: 'post=123' })).toEqual(['b1#2', 'b1#1']);
    expect(await ids({ args: 'tags=dog' })).toEqual(['b1#2', 'b1#1']);
    expect(await ids({ args: 'hello' })).toEqual(['c1#1']);
    expect(await ids({ args: '640' })).toEqual(['a1#1']);
    expect(await ids({ args: 'Post#123' })).toEqual(['a1#1']);
    expect(await ids({ args: 'post=123 cat' })).toEqual(['b1#2', 'b1#1']);
    expect(await ids({ args: 'post=123 hello' })).toEqual([]);
    expect(await ids({ args: 'user=8' })).toEqual([]);
  });

  it('filters by queue, state, class, error class and time range', async () => {
    expect(await ids({ queue: 'mail' })).toEqual(['c1#1']);
    expect(await ids({ jobClass: 'ResizeJob', state: 'failed' })).toEqual(['b1#2']);
    expect(await ids({ errorClass: 'TimeoutError' })).toEqual(['b1#2', 'b1#1']);
    expect(await ids({ state: 'discarded' })).toEqual(['d1#1']);
    const from = new Date(NOW - 3 * HOUR).toISOString();
    const to = new Date(NOW - HOUR + 30_000).toISOString();
    expect(await ids({ from, to })).toEqual(['a1#1', 'b1#1']);
  });

  it('pages newest first and counts the matches', async () => {
    await insertExecutions(
      pool,
      Array.from({ length: HISTORY_PAGE_SIZE + 5 }, (_, i) =>
        row({ jobId: `p${i}`, jobClass: 'PageJob', finishedAt: NOW - i * 1000 }),
      ),
    );
    const first = await searchHistory(pool, q({ jobClass: 'PageJob' }));
    expect(first).toMatchObject({ total: HISTORY_PAGE_SIZE + 5, pages: 2, page: 1, totalCapped: false });
    expect(first.executions[0]?.jobId).toBe('p0');
    const second = await searchHistory(pool, q({ jobClass: 'PageJob', page: '2' }));
    expect(second.executions.map((e) => e.jobId)).toEqual(['p50', 'p51', 'p52', 'p53', 'p54']);
  });

  it('adds waiting and delayed jobs from Redis on the first page, filtered by class and state', async () => {
    const waiting = await HistoryLiveJob.performLater(1);
    const delayed = await HistoryLiveJob.set({ wait: 600 }).performLater(2);
    const all = await searchHistory(pool, q({ jobClass: 'History_LiveJob' }), inspector);
    expect(all.live.map((j) => j.id).sort()).toEqual([waiting.jobId, delayed.jobId].sort());
    const onlyDelayed = await searchHistory(pool, q({ state: 'delayed' }), inspector);
    expect(onlyDelayed.live.map((j) => j.id)).toEqual([delayed.jobId]);
    expect(onlyDelayed.executions).toEqual([]);
    const byId = await searchHistory(pool, q({ jobId: waiting.jobId }), inspector);
    expect(byId.live.map((j) => j.state)).toEqual(['waiting']);
    const withArgs = await searchHistory(pool, q({ jobClass: 'History_LiveJob', args: 'x' }), inspector);
    expect(withArgs.live).toEqual([]);
  });

  it('refuses bad input, naming the field', () => {
    const field = (input: Record<string, unknown>) => {
      try {
        q(input);
      } catch (error) {
        if (error instanceof HistoryQueryError) return error.message;
        throw error;
      }
      return 'accepted';
    };
    expect(field({ queue: 'nope' })).toMatch(/^queue: unknown queue "nope"/);
    expect(field({ state: 'sleeping' })).toMatch(/^state: unknown state/);
    expect(field({ from: 'yesterday-ish' })).toMatch(/^from: "yesterday-ish" is not a time/);
    expect(field({ from: '2026-12-03', to: '2026-12-02' })).toBe('to: must be later than from');
    expect(field({ page: '0' })).toMatch(/^page: a whole number/);
    expect(field({ args: 'post=' })).toMatch(/^args: argument term "post=" needs a key and a value/);
    expect(field({ jobClass: 'a b' })).toMatch(/^jobClass: not a job class name/);
    expect(field({ jobClass: ['A', 'B'] })).toBe('jobClass: give it once, as text');
  });

  it('retention deletes executions older than the kept days, in batches', async () => {
    const deleted = await pruneJobHistory(pool, { now: new Date(NOW), keepDays: 30, batchSize: 1 });
    expect(deleted).toBe(1);
    expect(await ids({ jobId: 'd1' })).toEqual([]);
    expect(await ids({ jobId: 'a1' })).toEqual(['a1#1']);
  });
});
