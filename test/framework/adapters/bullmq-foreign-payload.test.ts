/**
 * A job another producer wrote (raw BullMQ Queue.add, a payload without Backlot's jobId): the
 * worker runs it under BullMQ's job id, so its log lines and the job itself name the id its queue
 * holds, not a freshly generated one.
 */
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureBacklot,
  Job,
  registerJobs,
  startWorker,
  type RunningWorker,
} from '../../../app/framework/index';
import { captureLogs } from '../../support/log-capture';
import { useRedisPrefix } from '../../support/redis';

const seen: string[] = [];

class ForeignPayloadJob extends Job {
  perform() {
    seen.push(this.jobId);
    return this.jobId;
  }
}

describe('a payload without a jobId', () => {
  const redis = useRedisPrefix('foreign-payload');
  let queue: Queue;
  let events: QueueEvents;
  let worker: RunningWorker;

  beforeAll(async () => {
    configureBacklot({ queues: [] });
    registerJobs([ForeignPayloadJob]);
    queue = new Queue('default', { connection: redis.connection(), prefix: redis.prefix });
    events = new QueueEvents('default', {
      connection: redis.connection({ worker: true }),
      prefix: redis.prefix,
    });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await worker.close();
    await events.close();
    await queue.close();
  });

  it('runs under the BullMQ job id, which its start and finish lines name', async () => {
    const logs = captureLogs('info');
    worker = startWorker({
      queues: ['default'],
      connection: redis.connection({ worker: true }),
      prefix: redis.prefix,
    });
    const bullJob = await queue.add('ForeignPayloadJob', { queueName: 'default', arguments: [] });
    const result: unknown = await bullJob.waitUntilFinished(events, 10_000);
    expect(bullJob.id).toBeDefined();
    expect(result).toBe(bullJob.id);
    expect(seen).toEqual([bullJob.id]);
    const lines = logs.lines.filter((l) => l.event === 'start' || l.event === 'finish');
    expect(lines.map((l) => [l.event, l.jobId])).toEqual([
      ['start', bullJob.id],
      ['finish', bullJob.id],
    ]);
    expect(lines[0]?.msg).toContain(`(Job ID: ${bullJob.id})`);
  });
});
