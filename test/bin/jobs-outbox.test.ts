/**
 * bin/jobs outbox (a real process on the test database): what waits in the outbox, the relay
 * leader and the last relay error, as text and JSON; exit 1 with a warning when jobs wait and no
 * relay runs. It needs no Redis.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  Job,
  registerJobs,
  startOutboxRelay,
} from '../../app/framework/index';
import { disconnectTestPrisma, testDatabaseUrl, testPrisma, truncateAll } from '../support/database';
import { runBin } from '../support/processes';
import { waitUntil } from '../support/wait';

class WaitingJob extends Job {
  static override jobName = 'JobsOutboxCli_WaitingJob';
  perform() {}
}

describe('bin/jobs outbox', () => {
  const db = testPrisma();
  // A Redis nobody listens on: staging never touches it, and the relay below fails against it.
  const dead = new Redis('redis://127.0.0.1:1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  dead.on('error', () => undefined);
  const adapter = new BullmqAdapter({ connection: dead, prefix: '{jobs-outbox-cli}' });
  const env = { NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: adapter.prefix };

  beforeAll(async () => {
    await truncateAll();
    configureBacklot({ adapter, queues: ['default'] });
    adapter.queue('default').on('error', () => undefined); // the dead Redis's errors are expected
    registerJobs([WaitingJob]);
    await db.$transaction(async (tx) => {
      await WaitingJob.inTransaction(tx).performLater();
      await WaitingJob.inTransaction(tx).performLater();
    });
  });
  afterAll(async () => {
    await adapter.close().catch(() => undefined);
    dead.disconnect();
    await disconnectTestPrisma();
  });

  it('counts the waiting jobs and exits 1 with a warning while no relay runs, without Redis', async () => {
    const { code, stdout, stderr } = await runBin('jobs', ['outbox'], env);
    expect(stdout).toMatch(/^Waiting: +2 job\(s\), oldest \S+ old$/m);
    expect(stdout).toMatch(/^Leader: +none yet/m);
    expect(stdout).toMatch(/^Last error: none$/m);
    expect(stderr).toMatch(/no relay runs: start bin\/worker/);
    expect(code).toBe(1);
  });

  it('shows the leader and its last error (here: Redis away), and --json', async () => {
    const relay = startOutboxRelay({
      openSession: () => new pg.Client({ connectionString: testDatabaseUrl() }),
      adapter,
      prefix: adapter.prefix,
      name: 'cli-test-relay',
      backoffMs: 50,
      maxBackoffMs: 50,
    });
    try {
      await waitUntil('the relay failed once', () => relay.lastError !== undefined);
      const text = await runBin('jobs', ['outbox'], env);
      expect(text.stdout).toMatch(/^Leader: +cli-test-relay since \S+Z$/m);
      expect(text.stdout).toMatch(/^Last error: .+ at \S+Z$/m);
      expect(text.code).toBe(0);
      const json = await runBin('jobs', ['outbox', '--json'], env);
      expect(JSON.parse(json.stdout)).toMatchObject({
        waiting: 2,
        leader: { name: 'cli-test-relay', alive: true },
      });
    } finally {
      await relay.stop();
    }
  });
});
