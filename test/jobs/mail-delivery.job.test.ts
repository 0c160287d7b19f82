import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disconnectPrisma } from '../../app/db/client';
import {
  BullmqAdapter,
  configureBacklot,
  executeJob,
  registerJobs,
  startWorker,
} from '../../app/framework/index';
import { useTestAdapter } from '../../app/framework/index';
import { deliverMail, failNextMailDeliveries } from '../../app/services/mail/index';
import { MAIL_DELIVERY_ATTEMPTS, MailDeliveryJob } from '../../jobs/mail-delivery.job';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';
import { useRedisPrefix } from '../support/redis';

const db = testPrisma();

beforeEach(async () => {
  await truncateAll();
  useTestAdapter();
});

afterAll(async () => {
  await disconnectPrisma();
  await disconnectTestPrisma();
});

/** Runs one job as a worker would, retry after retry, without waiting; resolves each retry's delay. */
async function runUntilSettled(job: MailDeliveryJob) {
  const delays: number[] = [];
  for (;;) {
    const outcome = await executeJob(job);
    if (outcome.status !== 'retry') return { outcome, delays };
    delays.push(outcome.delayMs);
  }
}

describe('MailDeliveryJob', () => {
  it('writes the mail to the outbox, keyed by the job id', async () => {
    const result = await MailDeliveryJob.performNow('alice@example.com', 'Welcome', 'Hello Alice');
    const rows = await db.mailOutbox.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      recipient: 'alice@example.com',
      subject: 'Welcome',
      body: 'Hello Alice',
    });
    expect(result).toEqual({ messageId: rows[0]?.messageId, delivered: true });
  });

  it('delivers once when the same job runs again (a retry after a delivery that happened)', async () => {
    const job = MailDeliveryJob.build('alice@example.com', 'Welcome', 'Hello');
    expect((await executeJob(job)).status).toBe('completed');
    const again = await executeJob(job);
    expect(again).toEqual({ status: 'completed', result: { messageId: job.jobId, delivered: false } });
    expect(await db.mailOutbox.count()).toBe(1);
  });

  it('declares 8 attempts with polynomially longer waits, and BullMQ gets 8 attempts', () => {
    const connection = new Redis({ lazyConnect: true }); // job options only: never connects
    const adapter = new BullmqAdapter({ connection, prefix: 'unused' });
    expect(MAIL_DELIVERY_ATTEMPTS).toBe(8);
    expect(adapter.jobOptions(MailDeliveryJob.build('a@example.com', 's', 'b'))).toMatchObject({
      attempts: 8,
      backoff: { type: 'backlot' },
    });
    connection.disconnect();
  });

  it('retries a failed delivery with polynomially longer waits until it goes through', async () => {
    await failNextMailDeliveries(db, 3, 'smtp down');
    const job = MailDeliveryJob.build('bob@example.com', 'Hi', 'Body');
    const { outcome, delays } = await runUntilSettled(job);

    expect(outcome.status).toBe('completed');
    expect(job.executions).toBe(4);
    // executions^4 + 2 seconds, plus up to 15 % of executions^4 as jitter
    expect(delays).toHaveLength(3);
    const bounds = [
      [3_000, 3_150],
      [18_000, 20_400],
      [83_000, 95_150],
    ];
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(bounds[i]![0]!);
      expect(delay).toBeLessThanOrEqual(bounds[i]![1]!);
    });
    expect(await db.mailOutbox.findMany({ select: { messageId: true, recipient: true } })).toEqual([
      { messageId: job.jobId, recipient: 'bob@example.com' },
    ]);
    expect(await db.mailTransportSwitch.findUnique({ where: { id: 1 } })).toMatchObject({ failNext: 0 });
  });

  it('fails for good after 8 failed attempts, delivering nothing', async () => {
    await failNextMailDeliveries(db, 10);
    const { outcome, delays } = await runUntilSettled(MailDeliveryJob.build('bob@example.com', 'Hi', 'Body'));
    expect(outcome).toMatchObject({ status: 'failed', exhausted: true });
    expect(outcome.status === 'failed' && outcome.error.message).toBe(
      'simulated mail delivery failure (mail to bob@example.com)',
    );
    expect(delays).toHaveLength(7);
    expect(delays.every((d, i) => i === 0 || d > delays[i - 1]!)).toBe(true);
    expect(await db.mailOutbox.count()).toBe(0);
    expect(await db.mailTransportSwitch.findUnique({ where: { id: 1 } })).toMatchObject({ failNext: 2 });
  });

  it('performNow re-enqueues a failed delivery through the adapter, about 3 s later', async () => {
    const adapter = useTestAdapter();
    await failNextMailDeliveries(db, 1);
    const before = Date.now();
    expect(await MailDeliveryJob.performNow('carol@example.com', 'Hi', 'Body')).toBeUndefined();
    expect(adapter.enqueued).toHaveLength(1);
    const at = adapter.enqueued[0]?.at ?? 0;
    expect(at - before).toBeGreaterThanOrEqual(3_000);
    expect(at - Date.now()).toBeLessThanOrEqual(3_150);
    expect(await db.mailOutbox.count()).toBe(0);
  });

  it('discards a mail to an address that is not one, without retrying', async () => {
    const { outcome } = await runUntilSettled(MailDeliveryJob.build('not an address', 'Hi', 'Body'));
    expect(outcome.status).toBe('discarded');
    expect(outcome.status === 'discarded' && outcome.error.name).toBe('InvalidMailError');
    expect(await db.mailOutbox.count()).toBe(0);
  });

  it('is what deliverMail enqueues', async () => {
    const adapter = useTestAdapter();
    const job = await deliverMail('dave@example.com', 'Subject', 'Body');
    expect(adapter.enqueued.map((e) => [e.jobClass, e.queue, e.arguments])).toEqual([
      ['MailDeliveryJob', 'default', ['dave@example.com', 'Subject', 'Body']],
    ]);
    expect(job.jobId).toBe(adapter.enqueued[0]?.job.jobId);
  });
});

describe('MailDeliveryJob on a real BullMQ worker', () => {
  const redis = useRedisPrefix('mail');
  let adapter: BullmqAdapter;
  let events: QueueEvents;

  beforeAll(async () => {
    adapter = new BullmqAdapter({ connection: redis.connection(), prefix: redis.prefix });
    registerJobs([MailDeliveryJob]);
    events = new QueueEvents('default', {
      connection: redis.connection({ worker: true }),
      prefix: redis.prefix,
    });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await events.close();
    await adapter.close();
  });

  it(
    'retries a failed delivery as a delayed BullMQ attempt and delivers on the second',
    { timeout: 20_000 },
    async () => {
      configureBacklot({ adapter, queues: [] });
      await failNextMailDeliveries(db, 1);
      const worker = startWorker({
        queues: ['default'],
        connection: redis.connection({ worker: true }),
        prefix: redis.prefix,
      });
      try {
        const job = await deliverMail('erin@example.com', 'Hi', 'Body');
        const bullJob = await adapter.queue('default').getJob(job.jobId);
        await bullJob?.waitUntilFinished(events, 15_000);
        const done = await adapter.queue('default').getJob(job.jobId);
        expect(await done?.getState()).toBe('completed');
        expect(done?.attemptsMade).toBe(2);
        expect(done?.returnvalue).toEqual({ messageId: job.jobId, delivered: true });
        expect(await db.mailOutbox.count({ where: { messageId: job.jobId } })).toBe(1);
      } finally {
        await worker.close();
      }
    },
  );
});
