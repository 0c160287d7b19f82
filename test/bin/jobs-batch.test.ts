/**
 * `bin/jobs status BATCH_ID` (a real process against real Redis): a batch's progress (pending,
 * succeeded, failed, discarded) and its callbacks' states, as text and as JSON; an unknown batch
 * id exits 1 with one line naming it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  Batch,
  BullmqAdapter,
  batchKeyPattern,
  configureBacklot,
  recordBatchOutcome,
  registerJobs,
} from '../../app/framework/index';
import { PingJob } from '../../jobs/ping.job';
import { runBin } from '../support/processes';
import { useRedisPrefix } from '../support/redis';

describe('bin/jobs status BATCH_ID', () => {
  const scope = useRedisPrefix('jobs-batch');
  const redis = scope.connection();
  const env = { QUEUE_PREFIX: scope.prefix, NODE_ENV: 'test', JOB_ADAPTER: 'bullmq' };
  const adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
  configureBacklot({ adapter, queues: ['default', 'bulk_update'] });
  registerJobs([PingJob]);
  afterAll(async () => {
    await adapter.close();
    const keys = await redis.keys(batchKeyPattern(scope.prefix));
    if (keys.length > 0) await redis.unlink(...keys);
  });

  it('shows progress and callbacks; an unknown batch exits 1', async () => {
    const batch = Batch.create({ description: 'nightly pings', onComplete: PingJob.build('done') });
    const jobs = [PingJob.build('a'), PingJob.build('b'), PingJob.build('c')];
    await batch.add(jobs);
    await recordBatchOutcome(jobs[0] as PingJob, { status: 'completed', result: undefined });
    await recordBatchOutcome(jobs[1] as PingJob, { status: 'discarded', error: new Error('gone') });

    const text = await runBin('jobs', ['status', batch.id], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^batch\\s+${batch.id}$`, 'm'));
    expect(text.stdout).toMatch(/^description\s+nightly pings$/m);
    expect(text.stdout).toMatch(/^pending\s+1$/m);
    expect(text.stdout).toMatch(/^succeeded\s+1$/m);
    expect(text.stdout).toMatch(/^discarded\s+1$/m);
    expect(text.stdout).toMatch(/^callbacks\s+onComplete waiting$/m);

    const json = JSON.parse((await runBin('jobs', ['status', batch.id, '--json'], env)).stdout) as object;
    expect(json).toMatchObject({ id: batch.id, total: 3, pending: 1, succeeded: 1, failed: 0, discarded: 1 });

    const missing = await runBin('jobs', ['status', 'batch-000000000000000000000000'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'no batch batch-000000000000000000000000 (it never had jobs, or it expired)',
    );
  });
});
