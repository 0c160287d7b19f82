/**
 * bin/jobs history (a real process on the test database and the shared Redis under a prefix of
 * its own): a search by class, state and argument as a table and as JSON; a bad option exits 1
 * naming it; --retry enqueues a failed job Redis no longer holds again, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertExecutions, type ExecutionRow } from '../../app/db/job-history.repository';
import { createDbPool } from '../../app/db/pg-pool';
import { searchTermsOf } from '../../app/services/job-history/search-terms';
import { disconnectTestPrisma, testDatabaseUrl, truncateAll } from '../support/database';
import { Redis } from 'ioredis';
import { deleteKeysByPrefix } from '../../config/redis';
import { runBin } from '../support/processes';
import { testRedisUrl, uniquePrefix } from '../support/redis';

function row(jobId: string, state: string, args: unknown[]): ExecutionRow {
  const now = Date.now();
  return {
    jobId,
    jobClass: 'ResizeJob',
    queue: 'default',
    state,
    attempt: 1,
    arguments: args,
    searchTerms: searchTermsOf(args),
    errorClass: state === 'failed' ? 'TimeoutError' : null,
    errorMessage: state === 'failed' ? 'slow' : null,
    enqueuedAt: now - 2000,
    startedAt: now - 1000,
    finishedAt: now,
    durationMs: 1000,
    workerHost: 'cli-host',
    workerPid: 77,
  };
}

describe('bin/jobs history', () => {
  const pool = createDbPool(testDatabaseUrl(), 1);
  const env = { NODE_ENV: 'test', QUEUE_PREFIX: uniquePrefix('jobs-history-cli') };

  beforeAll(async () => {
    await truncateAll();
    await insertExecutions(pool, [
      row('cli-failed', 'failed', [{ post: 123 }]),
      row('cli-done', 'completed', [{ post: 123 }]),
      row('cli-other', 'failed', [{ post: 9 }]),
      { ...row('cli-ping-gone', 'failed', ['hello from history']), jobClass: 'PingJob' },
    ]);
  });
  afterAll(async () => {
    const redis = new Redis(testRedisUrl());
    await deleteKeysByPrefix(redis, env.QUEUE_PREFIX);
    await redis.quit();
    await pool.end();
    await disconnectTestPrisma();
  });

  it('finds failed executions of a class by argument, as a table and as JSON', async () => {
    const args = ['history', '--class', 'ResizeJob', '--state', 'failed', '--args', 'post=123'];
    const table = await runBin('jobs', args, env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Finished executions: 1 \(page 1 of 1\)$/m);
    expect(table.stdout).toMatch(
      /cli-failed +ResizeJob +default +failed +1 .* cli-host:77 +TimeoutError: slow/,
    );
    expect(table.stdout).not.toContain('cli-done');
    const json = await runBin('jobs', [...args, '--json'], env);
    expect(
      (JSON.parse(json.stdout) as { executions: Array<{ jobId: string }> }).executions.map((e) => e.jobId),
    ).toEqual(['cli-failed']);
  }, 60_000);

  it('exits 1 naming the option when its value is wrong', async () => {
    const { code, stderr } = await runBin('jobs', ['history', '--from', 'soon'], env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^--from: "soon" is not a time/m);
  });

  it('--retry enqueues a failed job Redis let go as a new job, and only once', async () => {
    const args = ['history', '--class', 'PingJob', '--retry', '--json'];
    const first = await runBin('jobs', args, env);
    expect(first.code, first.stderr).toBe(0);
    const done = JSON.parse(first.stdout) as {
      retried: number;
      enqueued: { retryOf: string; jobId: string }[];
    };
    expect(done.retried).toBe(0);
    expect(done.enqueued.map((e) => e.retryOf)).toEqual(['cli-ping-gone']);
    const { rows } = await pool.query<{ jobId: string }>(
      `SELECT job_id AS "jobId" FROM job_history_retries WHERE retry_of = 'cli-ping-gone'`,
    );
    expect(rows.map((r) => r.jobId)).toEqual([done.enqueued[0]?.jobId]);
    const status = await runBin('jobs', ['status', done.enqueued[0]?.jobId ?? '', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({
      jobClass: 'PingJob',
      queue: 'default',
      state: 'waiting',
      arguments: ['hello from history'],
    });
    const again = await runBin('jobs', args, env);
    expect((JSON.parse(again.stdout) as { enqueued: unknown[] }).enqueued).toEqual([]);
  }, 90_000);
});
