/**
 * Jobs in every state for the admin tests, made with BullMQ directly on the test prefix: a
 * completed and a failed job (run by a real Worker with the `metrics` option, so the charts and
 * /metrics have data), a delayed one and a waiting one. Names, arguments and errors carry HTML
 * and script so that escaping can be checked.
 */
import { Worker } from 'bullmq';
import type { BullmqAdapter } from '../../app/framework/index';
import type { RedisScope } from '../support/redis';

export const EVIL_NAME = '<script>alert("name")</script>';
export const EVIL_ARGUMENT = '<img src=x onerror=alert("arg")>';
export const EVIL_ERROR = '<b onmouseover=alert("error")>boom</b>';

export const JOB_IDS = {
  completed: 'job-completed',
  failed: 'job-failed',
  delayed: 'job-delayed',
  waiting: 'job-waiting',
} as const;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function seedJobs(adapter: BullmqAdapter, scope: RedisScope): Promise<void> {
  const queue = adapter.queue('default');
  await queue.obliterate({ force: true }).catch(() => undefined);
  await adapter
    .queue('bulk_update')
    .obliterate({ force: true })
    .catch(() => undefined);
  const worker = new Worker(
    'default',
    async (job) => {
      await new Promise((r) => setTimeout(r, 20));
      if (job.name === EVIL_NAME) throw new Error(EVIL_ERROR);
      return { ok: true };
    },
    { connection: scope.connection({ worker: true }), prefix: scope.prefix, metrics: { maxDataPoints: 120 } },
  );
  try {
    await queue.add('PingJob', { arguments: ['hello'] }, { jobId: JOB_IDS.completed });
    await queue.add(
      EVIL_NAME,
      { arguments: [EVIL_ARGUMENT, { password: 'secret' }] },
      { jobId: JOB_IDS.failed },
    );
    await until(
      async () => (await queue.getJobCounts('completed', 'failed')).completed === 1,
      'the completed job',
    );
    await until(async () => (await queue.getJobCounts('failed')).failed === 1, 'the failed job');
  } finally {
    await worker.close();
  }
  await queue.add('LaterJob', { arguments: [1] }, { jobId: JOB_IDS.delayed, delay: 3_600_000 });
  await adapter
    .queue('bulk_update')
    .add('BulkJob', { arguments: [EVIL_ARGUMENT] }, { jobId: JOB_IDS.waiting });
}
