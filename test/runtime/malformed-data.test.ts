/**
 * A job hash whose `data` is not JSON (a buggy producer, a hand edit), written straight into Redis
 * under a queue's keys:
 * - bin/jobs list and status show it as malformed, with its id, instead of dying in BullMQ's
 *   Job.fromJSON; bin/jobs cancel removes it while it waits;
 * - a real bin/worker moves it to the failed set with "malformed job data: ..." and carries on
 *   with the next job; bin/jobs then shows it failed, refuses to retry it and says it finished.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SleepJob } from '../fixtures/jobs';
import { runBin } from '../support/processes';
import { FIXTURES, startWorker, useRuntimeSpec, waitUntil, type WorkerHandle } from './support';

const BAD_DATA = '{jobClass: "Fixture.SleepJob", arguments: [';

interface Listed {
  id: string;
  state: string;
  error?: string;
  malformed?: string;
}

describe('a job whose stored data is not JSON', () => {
  const { scope, env, redis, adapter } = useRuntimeSpec('malformed-data');
  let worker: WorkerHandle;

  beforeAll(async () => {
    worker = startWorker(['--pool=default:1', '--require', FIXTURES], env);
    await worker.started('default:1');
  });

  /** A delayed SleepJob whose data is then overwritten with text that is not JSON. */
  async function malformedJob(label: string): Promise<string> {
    const job = await SleepJob.set({ wait: 3600 }).performLater(`${scope.prefix}:${label}`, label, 10);
    await redis.hset(`${scope.prefix}:default:${job.jobId}`, 'data', BAD_DATA);
    return job.jobId;
  }

  it('is listed and shown as malformed by bin/jobs, and cancelled while it waits', async () => {
    const id = await malformedJob('waiting');
    const healthy = await SleepJob.set({ wait: 3600 }).performLater(`${scope.prefix}:healthy`, 'healthy', 10);

    const list = await runBin('jobs', ['list', '--json'], env);
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as Listed[];
    expect(listed.find((j) => j.id === id)).toMatchObject({
      state: 'delayed',
      malformed: expect.stringMatching(/^malformed job data: /) as string,
      error: expect.stringMatching(/^malformed job data: /) as string,
    });
    expect(listed.find((j) => j.id === healthy.jobId)).toMatchObject({ state: 'delayed' });
    expect(listed.find((j) => j.id === healthy.jobId)?.malformed).toBeUndefined();

    const table = await runBin('jobs', ['list'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(id);
    expect(table.stdout).toContain('malformed job data');

    const status = await runBin('jobs', ['status', id, '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      id,
      jobClass: 'Fixture.SleepJob',
      state: 'delayed',
      malformed: expect.stringMatching(/^malformed job data: /) as string,
    });
    const shown = await runBin('jobs', ['status', id], env);
    expect(shown.stdout).toMatch(/error\s+malformed job data: /);

    const cancel = await runBin('jobs', ['cancel', id, '--json'], env);
    expect(cancel.code).toBe(0);
    expect(JSON.parse(cancel.stdout)).toEqual({ id, result: 'removed' });
    expect(await redis.exists(`${scope.prefix}:default:${id}`)).toBe(0);
  });

  it('is failed by the worker with "malformed job data: ...", which then runs the next job', async () => {
    const id = await malformedJob('run');
    const promote = await runBin('jobs', ['run-now', id], env);
    expect(promote.code).toBe(0);
    const queue = adapter.queue('default');
    await waitUntil('the malformed job failed', async () => (await queue.getJobState(id)) === 'failed', {
      timeoutMs: 20_000,
    });
    const failed = await redis.hget(`${scope.prefix}:default:${id}`, 'failedReason');
    expect(failed).toMatch(/^malformed job data: /);
    expect(await redis.hget(`${scope.prefix}:default:${id}`, 'data')).toBe(BAD_DATA); // kept as written
    await worker.proc.waitFor(new RegExp(`Error performing job ${id} from default: malformed job data: `));

    const key = `${scope.prefix}:after`;
    await SleepJob.performLater(key, 'after', 10);
    await waitUntil('the next job ran', async () => (await redis.lrange(`${key}:done`, 0, -1)).length === 1);

    const status = await runBin('jobs', ['status', id, '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/^malformed job data: /) as string,
    });
    const retry = await runBin('jobs', ['retry', id], env);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toContain(`job ${id} cannot be retried (malformed job data: `);
    const cancel = await runBin('jobs', ['cancel', id], env);
    expect(cancel).toMatchObject({ code: 1, stdout: `Job ${id} already finished\n` });
  });
});
