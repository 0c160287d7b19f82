/**
 * The BullMQ adapter's queues while their Redis is away: BullMQ re-emits each connection error on
 * every Queue and FlowProducer and prints it raw to stderr when nothing listens. The adapter
 * listens (adapters/bullmq/queue-errors.ts): a lost connection is left to the connection's own
 * outage lines, so nothing is printed per reconnect attempt; any other error of a queue is logged
 * once as an error naming the queue.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BullmqAdapter, configureBacklot, Job } from '../../../app/framework/index';
import { useRedisServer } from '../../runtime/support';
import { captureLogs } from '../../support/log-capture';
import { uniquePrefix } from '../../support/redis';
import { waitUntil } from '../../support/wait';

class QueueErrorProbeJob extends Job {
  static override jobName = 'QueueErrorProbeJob';
  perform(): void {}
}

describe('the BullMQ adapter while its Redis is away', () => {
  const server = useRedisServer();
  let connection: Redis;
  let adapter: BullmqAdapter;
  let connectionErrors = 0;

  beforeAll(() => {
    connection = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    // Stands in for the connection's outage tracker (config/redis.ts installs one in each role).
    connection.on('error', () => (connectionErrors += 1));
    adapter = new BullmqAdapter({ connection, prefix: uniquePrefix('queue-errors') });
    configureBacklot({ adapter, queues: ['default'] });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await adapter.close().catch(() => undefined);
    connection.disconnect();
  });

  it('prints nothing and logs no error per reconnect attempt, and enqueues again once Redis is back', async () => {
    const logs = captureLogs('debug');
    await QueueErrorProbeJob.performLater();
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    await server.shutdown();
    await waitUntil('three failed reconnect attempts', () => connectionErrors >= 3);
    await expect(QueueErrorProbeJob.performLater()).rejects.toThrow();
    expect(printed).not.toHaveBeenCalled();
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);

    await server.start();
    await waitUntil('the connection is ready', () => connection.status === 'ready');
    expect((await QueueErrorProbeJob.performLater()).successfullyEnqueued).toBe(true);
    expect(printed).not.toHaveBeenCalled();
  });

  it('logs any other error of a queue once, as an error naming the queue', () => {
    const logs = captureLogs('debug');
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    adapter.queue('default').emit('error', new Error('a script failed to load'));
    expect(logs.lines.filter((line) => line.level >= 50).map((line) => line.msg)).toEqual([
      'queue default: a script failed to load',
    ]);
    expect(printed).not.toHaveBeenCalled();
  });
});
