import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueEvents } from 'bullmq';
import { BullmqAdapter, configureBacklot, Job, registerJobs, startWorker } from '../../app/framework/index';
import { PingJob } from '../../jobs/ping.job';
import { disconnectTestPrisma, testPrisma } from '../support/database';
import { runBin } from '../support/processes';
import { useRedisPrefix, type RedisScope } from '../support/redis';

class BrokenJob extends Job {
  static override jobName = 'JobsCliTest_BrokenJob';
  static {
    this.queueAs('bulk_update');
  }
  perform(message: string) {
    throw new Error(message);
  }
}

/** Runs a BrokenJob on a real (in-process) worker of bulk_update until it has failed. */
async function failOnAWorker(scope: RedisScope, adapter: BullmqAdapter, message: string) {
  const events = new QueueEvents('bulk_update', {
    connection: scope.connection({ worker: true }),
    prefix: scope.prefix,
  });
  await events.waitUntilReady();
  const job = await BrokenJob.performLater(message);
  const worker = startWorker({
    queues: ['bulk_update'],
    connection: scope.connection({ worker: true }),
    prefix: scope.prefix,
  });
  await (
    await adapter.queue('bulk_update').getJob(job.jobId)
  )
    ?.waitUntilFinished(events, 10_000)
    .catch(() => undefined);
  await worker.close();
  await events.close();
  return job;
}

describe('bin/jobs (a real process against real Redis)', () => {
  const scope = useRedisPrefix('jobs-cli');
  const env = { QUEUE_PREFIX: scope.prefix, NODE_ENV: 'test', JOB_ADAPTER: 'bullmq' };
  let adapter: BullmqAdapter;
  let failedId: string;
  let delayedId: string;

  const jobs = async (...args: string[]) => runBin('jobs', args, env);

  beforeAll(async () => {
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: ['default', 'bulk_update'] });
    registerJobs([PingJob, BrokenJob]);
    await PingJob.performLater('waiting one');
    delayedId = (await PingJob.set({ wait: 3600 }).performLater('later')).jobId;
    failedId = (await failOnAWorker(scope, adapter, 'disk full')).jobId;
  });

  afterAll(async () => {
    await adapter.close();
  });

  it('stats: counts per queue and state, as a table and as JSON', async () => {
    const table = await jobs('stats');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^queue\s+waiting\s+active\s+delayed/m);
    const json = JSON.parse((await jobs('stats', '--json')).stdout) as {
      queue: string;
      counts: Record<string, number>;
    }[];
    expect(json.find((q) => q.queue === 'default')?.counts).toMatchObject({
      waiting: 1,
      delayed: 1,
      failed: 0,
    });
    expect(json.find((q) => q.queue === 'bulk_update')?.counts).toMatchObject({ failed: 1 });
    expect(json.map((q) => q.queue)).toEqual(['default', 'bulk_update']);
  });

  it('list: filters by queue and state and limits, newest first', async () => {
    const failed = JSON.parse((await jobs('list', '--state', 'failed', '--json')).stdout) as {
      id: string;
      error: string;
    }[];
    expect(failed).toEqual([expect.objectContaining({ id: failedId, error: 'disk full' })]);
    const limited = JSON.parse(
      (await jobs('list', '--queue', 'default', '--limit', '2', '--json')).stdout,
    ) as unknown[];
    expect(limited).toHaveLength(2);
  });

  it('list: an unknown queue or state is a clear error with exit 1', async () => {
    const queue = await jobs('list', '--queue', 'nope');
    expect(queue.code).toBe(1);
    expect(queue.stderr.trim()).toBe('unknown queue "nope" (configured queues: default, bulk_update)');
    const state = await jobs('list', '--state', 'sleeping');
    expect(state.code).toBe(1);
    expect(state.stderr).toContain('unknown state "sleeping"');
  });

  it('status: class, queue, state, attempts and error of one job; unknown ids exit 1', async () => {
    const status = await jobs('status', failedId);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^class\s+JobsCliTest_BrokenJob$/m);
    expect(status.stdout).toMatch(/^state\s+failed$/m);
    expect(status.stdout).toMatch(/^error\s+disk full$/m);
    const missing = await jobs('status', 'no-such-id');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('no such job: no-such-id');
  });

  it('retry: a failed job goes back to waiting; a waiting one is refused', async () => {
    const retried = await jobs('retry', failedId);
    expect(retried.code).toBe(0);
    expect(await (await adapter.queue('bulk_update').getJob(failedId))?.getState()).toBe('waiting');
    const refused = await jobs('retry', delayedId);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('only failed jobs can be retried');
  });

  it('retry --all-failed QUEUE retries every failed job of the queue', async () => {
    await adapter.queue('bulk_update').drain();
    await failOnAWorker(scope, adapter, 'again');
    await failOnAWorker(scope, adapter, 'and again');
    const result = await jobs('retry', '--all-failed', 'bulk_update', '--json');
    expect(JSON.parse(result.stdout)).toEqual({ retried: 2 });
    expect(await adapter.queue('bulk_update').getFailedCount()).toBe(0);
  });

  it('retry refuses a job id together with --all-failed, naming both, and retries nothing', async () => {
    await failOnAWorker(scope, adapter, 'once more');
    const failed = await adapter.queue('bulk_update').getFailedCount();
    const refused = await jobs('retry', 'some-id', '--all-failed', 'bulk_update');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'give a job id or --all-failed QUEUE, not both (got some-id and --all-failed bulk_update)',
    );
    expect(await adapter.queue('bulk_update').getFailedCount()).toBe(failed);
  });

  it('run-now: a delayed job moves to waiting', async () => {
    expect((await jobs('run-now', delayedId)).code).toBe(0);
    expect(await (await adapter.queue('default').getJob(delayedId))?.getState()).toBe('waiting');
  });

  it('enqueue: JSON arguments, a clear error for bad JSON and for unknown classes', async () => {
    const ok = await jobs('enqueue', 'PingJob', '"cli"', '--queue', 'bulk_update', '--json');
    expect(ok.code).toBe(0);
    const { id, queue } = JSON.parse(ok.stdout) as { id: string; queue: string };
    expect(queue).toBe('bulk_update');
    expect((await adapter.queue('bulk_update').getJob(id))?.data).toMatchObject({
      jobClass: 'PingJob',
      arguments: ['cli'],
    });

    // Three processes at once: each boots the app, which is most of this test's time on a busy machine.
    const [badJson, unknown, badQueue] = await Promise.all([
      jobs('enqueue', 'PingJob', 'hello'),
      jobs('enqueue', 'NopeJob'),
      jobs('enqueue', 'PingJob', '--queue', 'nope'),
    ]);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toContain('argument 1 is not valid JSON');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^unknown job class NopeJob \(known: .*PingJob/);
    expect(badQueue.code).toBe(1);
    expect(badQueue.stderr).toContain('unknown queue "nope"');
  });

  it('enqueue of a uniqueBy duplicate says it was not enqueued and names the job it duplicates', async () => {
    const first = await jobs('enqueue', 'VacuumDatabaseJob', '--json');
    const { id } = JSON.parse(first.stdout) as { id: string };
    const again = await jobs('enqueue', 'VacuumDatabaseJob');
    expect([again.code, again.stdout.trim()]).toEqual([
      0,
      `VacuumDatabaseJob not enqueued: a duplicate of job ${id} (uniqueBy)`,
    ]);
    const json = await jobs('enqueue', 'VacuumDatabaseJob', '--json');
    expect((JSON.parse(json.stdout) as { duplicateOf: string }).duplicateOf).toBe(id);
  });

  it('exits 2 on a usage error', async () => {
    expect((await jobs('frobnicate')).code).toBe(2);
  });

  it('exits 2 naming the option and the text when a numeric option is no number (it said "got NaN")', async () => {
    const limit = await jobs('list', '--limit', 'ten');
    expect([limit.code, limit.stderr.split('\n')[0]]).toEqual([
      2,
      "error: option '--limit <n>' argument 'ten' is invalid. not a number.",
    ]);
    const wait = await jobs('enqueue', 'PingJob', '--wait', 'soon');
    expect([wait.code, wait.stderr.split('\n')[0]]).toEqual([
      2,
      "error: option '--wait <seconds>' argument 'soon' is invalid. not a number.",
    ]);
  });
});

describe('bin/jobs enqueue with records and the argument count; errors in list and status', () => {
  const scope = useRedisPrefix('jobs-cli-args');
  const env = { QUEUE_PREFIX: scope.prefix, NODE_ENV: 'test', JOB_ADAPTER: 'bullmq' };
  const jobs = async (...args: string[]) => runBin('jobs', args, env);
  let adapter: BullmqAdapter;

  beforeAll(() => {
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: ['default', 'bulk_update'] });
    registerJobs([BrokenJob]);
  });

  afterAll(async () => {
    await adapter.close();
    await disconnectTestPrisma();
  });

  const stored = async (stdout: string) => {
    const { id, queue } = JSON.parse(stdout) as { id: string; queue: string };
    return (await adapter.queue(queue).getJob(id))?.data as { jobClass: string; arguments: unknown[] };
  };

  it('--record Model:id passes a record by reference, before the JSON arguments', async () => {
    const user = await testPrisma().user.create({ data: { name: `cli_record_${Date.now()}` } });
    const ok = await jobs('enqueue', 'DeleteFavoritesJob', '--record', `User:${user.id}`, '50', '--json');
    expect(ok.stderr).toBe('');
    expect((await stored(ok.stdout)).arguments).toEqual([
      { _bl: 'Record', v: { model: 'User', id: user.id } },
      50,
    ]);
  });

  it('{"$record": "Model:id"} inside a JSON argument is the same record', async () => {
    const user = await testPrisma().user.create({ data: { name: `cli_json_${Date.now()}` } });
    const ok = await jobs(
      'enqueue',
      'DeleteFavoritesJob',
      JSON.stringify({ $record: `User:${user.id}` }),
      '--json',
    );
    expect(ok.stderr).toBe('');
    expect((await stored(ok.stdout)).arguments).toEqual([
      { _bl: 'Record', v: { model: 'User', id: user.id } },
    ]);
  });

  it('refuses a record that does not exist, a model that does not, and a malformed one', async () => {
    const missing = await jobs('enqueue', 'DeleteFavoritesJob', '--record', 'User:999999999');
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'no User with id 999999999']);
    const model = await jobs('enqueue', 'DeleteFavoritesJob', '--record', 'Nope:1');
    expect(model.code).toBe(1);
    expect(model.stderr).toContain('the Prisma client has no model named Nope');
    const malformed = await jobs('enqueue', 'DeleteFavoritesJob', '--record', 'user-1');
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('a record is Model:id, e.g. Post:1');
  });

  it('refuses in one line an id the model cannot have: a word for an Int id, a number past its range', async () => {
    const word = await jobs('enqueue', 'DeleteFavoritesJob', '--record', 'User:abc');
    expect([word.code, word.stderr]).toEqual([
      1,
      'User:abc is not an id a User can have (Argument `id`: Invalid value provided. Expected Int, provided String.)\n',
    ]);
    const huge = await jobs('enqueue', 'DeleteFavoritesJob', '{"$record":"User:99999999999999999999"}');
    expect(huge.code).toBe(1);
    expect(huge.stderr).toMatch(/^User:99999999999999999999 is not an id a User can have \(.+\)\n$/);
  });

  it("checks the argument count against perform's parameters, naming them", async () => {
    const waiting = async () =>
      (await adapter.queue('default').getWaitingCount()) +
      (await adapter.queue('bulk_update').getWaitingCount());
    const before = await waiting();
    const few = await jobs('enqueue', 'MailDeliveryJob', '"a@example.com"');
    expect([few.code, few.stderr.trim()]).toEqual([
      1,
      'MailDeliveryJob.perform takes 3 arguments (to, subject, body); got 1',
    ]);
    const many = await jobs('enqueue', 'PingJob', '"a"', '"b"');
    expect(many.code).toBe(1);
    expect(many.stderr.trim()).toBe('PingJob.perform takes at most 1 argument (message?); got 2');
    expect(await waiting()).toBe(before);
  });

  it("list shows an error's first line cut to the column; status shows it whole", async () => {
    const long = `${'the disk is full on the machine that stores uploads, '.repeat(3)}end`;
    const job = await failOnAWorker(scope, adapter, `${long}\nsecond line of detail`);

    const list = await jobs('list', '--state', 'failed');
    const row = list.stdout.split('\n').find((line) => line.startsWith(job.jobId)) ?? '';
    expect(row.endsWith(`${long.slice(0, 59).trimEnd()}…`)).toBe(true);
    expect(list.stdout).not.toContain('second line');

    const status = await jobs('status', job.jobId);
    expect(status.stdout).toContain(`error        ${long}\n             second line of detail\n`);
  });
});
