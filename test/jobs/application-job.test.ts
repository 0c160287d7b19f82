import { QueueEvents } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installRecordLocator } from '../../app/db/record-locator';
import {
  BullmqAdapter,
  configureBacklot,
  registerJobs,
  startWorker,
  type RunningWorker,
} from '../../app/framework/index';
import { ApplicationJob } from '../../jobs/application-job';
import { captureLogs } from '../support/log-capture';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';
import { useRedisPrefix } from '../support/redis';

type User = Awaited<ReturnType<ReturnType<typeof testPrisma>['user']['create']>>;

class GreetUserJob extends ApplicationJob {
  static override jobName = 'AppJobTest_GreetUserJob';
  perform(user: User, greeting: string) {
    return `${greeting}, ${user.name}`;
  }
}

describe('ApplicationJob with records as arguments (real PostgreSQL and Redis)', () => {
  const redis = useRedisPrefix('appjob');
  const db = testPrisma();
  let adapter: BullmqAdapter;
  let worker: RunningWorker | undefined;
  let events: QueueEvents;

  beforeAll(async () => {
    adapter = new BullmqAdapter({ connection: redis.connection(), prefix: redis.prefix });
    installRecordLocator(db);
    registerJobs([GreetUserJob]);
    events = new QueueEvents('default', {
      connection: redis.connection({ worker: true }),
      prefix: redis.prefix,
    });
    await events.waitUntilReady();
  });

  beforeEach(async () => {
    await truncateAll();
    configureBacklot({ adapter, queues: [] });
  });

  // Each test changes its record between enqueue and run, so no worker may be running before runToEnd
  // starts one: a worker left from an earlier test would take the job before the change.
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  afterAll(async () => {
    await events.close();
    await adapter.close();
    await disconnectTestPrisma();
  });

  async function runToEnd(jobId: string) {
    worker = startWorker({
      queues: ['default'],
      connection: redis.connection({ worker: true }),
      prefix: redis.prefix,
    });
    const bullJob = await adapter.queue('default').getJob(jobId);
    await bullJob?.waitUntilFinished(events, 10_000).catch(() => undefined);
    return adapter.queue('default').getJob(jobId);
  }

  it('stores a record by reference and reloads its current state in the worker', async () => {
    const user = await db.user.create({ data: { name: 'alice' } });
    const job = await GreetUserJob.performLater(user, 'Hello');
    expect(job.serializedArguments?.[0]).toEqual({ _bl: 'Record', v: { model: 'User', id: user.id } });

    await db.user.update({ where: { id: user.id }, data: { name: 'alice2' } });
    const done = await runToEnd(job.jobId);

    expect(await done?.getState()).toBe('completed');
    expect(done?.returnvalue).toBe('Hello, alice2');
  });

  it('discards the job with one log line when the record was deleted before it ran', async () => {
    const logs = captureLogs('info');
    const user = await db.user.create({ data: { name: 'bob' } });
    const job = await GreetUserJob.performLater(user, 'Hi');
    await db.user.delete({ where: { id: user.id } });

    const done = await runToEnd(job.jobId);

    expect(await done?.getState()).toBe('completed');
    expect(done?.returnvalue).toEqual({
      discarded: `DeserializationError: User with id ${user.id} no longer exists`,
    });
    const lines = logs.lines.filter((l) => l.jobId === job.jobId && l.event !== 'enqueue');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ event: 'discard', level: 30, jobClass: 'AppJobTest_GreetUserJob' });
    expect(lines[0]?.msg).toContain(`User with id ${user.id} no longer exists`);
  });
});
