/**
 * Payloads that parse but are not Backlot's JobPayload, run by a real bin/worker at LOG_LEVEL
 * info and at warn (the level changes nothing): each job ends in the failed set with a reason
 * that says what is wrong ("malformed payload: arguments is not an array (got a string)"), after
 * one attempt, however many retries its class allows; a stored argument of a type no serializer
 * knows is a malformed payload too, failed rather than discarded. The worker carries on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { listWorkers, type JobPayload } from '../../app/framework/index';
import { RetriedSleepJob, SleepJob } from '../fixtures/jobs';
import { FIXTURES, startWorker, useRuntimeSpec, waitUntil, type WorkerHandle } from './support';

/** A pattern matching `text` as it stands in a JSON log line. */
function literal(text: string): RegExp {
  return new RegExp(
    JSON.stringify(text)
      .slice(1, -1)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
}

describe.each(['info', 'warn'])('malformed payloads at LOG_LEVEL=%s', (level) => {
  const { scope, env, redis, adapter } = useRuntimeSpec(`malformed-payload-${level}`, {
    env: { LOG_LEVEL: level },
  });
  let worker: WorkerHandle;

  beforeAll(async () => {
    worker = startWorker(['--pool=default:2', '--require', FIXTURES], env);
    // "Worker started" is an INFO line: at warn, the heartbeat says the pool runs.
    await waitUntil('the pool beats', async () =>
      (await listWorkers(redis, scope.prefix)).some((w) => w.pools.includes('default:2')),
    );
  });

  /** Stores `change(payload)` of a RetriedSleepJob (5 attempts) as the job's data; resolves its id. */
  async function store(label: string, change: (payload: JobPayload) => unknown): Promise<string> {
    const job = RetriedSleepJob.build(`${scope.prefix}:${label}`, label, 10);
    const payload = job.serialize();
    await adapter.queue('default').add(job.jobClassName, change({ ...payload }), adapter.jobOptions(job));
    return job.jobId;
  }

  async function failedReason(id: string): Promise<string | undefined> {
    const queue = adapter.queue('default');
    await waitUntil(`job ${id} failed`, async () => (await queue.getJobState(id)) === 'failed', {
      timeoutMs: 20_000,
    });
    const job = await queue.getJob(id);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.opts.attempts).toBe(5);
    return job?.failedReason;
  }

  it.each([
    ['null', () => null, 'malformed payload: the payload is null, not an object'],
    ['an array', () => [1, 2], 'malformed payload: the payload is an array, not an object'],
    [
      'arguments as a string',
      (p: JobPayload) => ({ ...p, arguments: 'hello' }),
      'malformed payload: arguments is not an array (got a string)',
    ],
    [
      'no arguments',
      (p: JobPayload) => ({ ...p, arguments: undefined }),
      'malformed payload: arguments is missing',
    ],
    ['no jobId', (p: JobPayload) => ({ ...p, jobId: undefined }), 'malformed payload: jobId is missing'],
    [
      'jobClass as a number',
      (p: JobPayload) => ({ ...p, jobClass: 7 }),
      'malformed payload: jobClass is not a non-empty string (got a number)',
    ],
    [
      'executions as text',
      (p: JobPayload) => ({ ...p, executions: 'two' }),
      'malformed payload: executions is not a whole number >= 0 (got "two")',
    ],
    [
      'exceptionExecutions as an array',
      (p: JobPayload) => ({ ...p, exceptionExecutions: [] }),
      'malformed payload: exceptionExecutions is not an object (got an array)',
    ],
  ])('fails a payload with %s, saying what is wrong', async (label, change, reason) => {
    const id = await store(label.replace(/\W/g, '-'), change);
    expect(await failedReason(id)).toBe(reason);
    await worker.proc.waitFor(literal(`Error performing job ${id} from default: ${reason}`));
  });

  it('fails (does not discard) a job whose stored argument has an unknown type', async () => {
    const id = await store('unknown-type', (p) => ({
      ...p,
      arguments: [p.arguments[0], { _bl: 'Nope', v: 1 }],
    }));
    expect(await failedReason(id)).toBe('malformed payload: a stored argument has unknown type "Nope"');
    expect(await redis.lrange(`${scope.prefix}:unknown-type:started`, 0, -1)).toEqual([]);
  });

  it('keeps running well-formed jobs after the malformed ones', async () => {
    const key = `${scope.prefix}:healthy`;
    const job = SleepJob.build(key, 'healthy', 10);
    await adapter.enqueue(job); // this block's adapter (each block configures its own)
    await waitUntil(
      'the healthy job completed',
      async () => (await adapter.queue('default').getJobState(job.jobId)) === 'completed',
    );
    expect(await redis.lrange(`${key}:done`, 0, -1)).toEqual(['healthy']);
  });
});
