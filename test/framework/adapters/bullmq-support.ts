/**
 * The BullMQ adapter specs' shared set-up, in a describe block on any Redis topology: a
 * BullmqAdapter on the scope's prefix and key layout, configured with `queues` and `jobs`
 * registered, and QueueEvents on the default queue (ready before the tests); both closed in
 * afterAll. Called before the file's own hooks, so its beforeAll runs first and its afterAll last
 * (after the file closed its worker).
 *
 * Example:
 *   const bull = useBullmqAdapter(redis, { queues: ['default'], jobs: [AddJob] });
 *   await (await bull.adapter.queue('default').getJob(id))?.waitUntilFinished(bull.events, 10_000);
 */
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  registerJobs,
  type AnyJobClass,
} from '../../../app/framework/index';
import { withLateParts } from '../../support/late-parts';
import type { RedisScope } from '../../support/redis';

export interface BullmqAdapterScope {
  readonly adapter: BullmqAdapter;
  readonly events: QueueEvents;
}

export function useBullmqAdapter(
  redis: RedisScope,
  options: { queues: string[]; jobs: readonly AnyJobClass[] },
): BullmqAdapterScope {
  let parts: BullmqAdapterScope | undefined;
  beforeAll(async () => {
    const adapter = new BullmqAdapter({
      connection: redis.connection(),
      prefix: redis.prefix,
      layout: redis.layout,
    });
    configureBacklot({ adapter, queues: options.queues });
    registerJobs(options.jobs);
    const events = new QueueEvents('default', {
      connection: redis.connection({ worker: true }),
      prefix: redis.queuePrefix('default'),
    });
    parts = { adapter, events };
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await parts?.events.close();
    await parts?.adapter.close();
  });
  return withLateParts<BullmqAdapterScope, 'adapter' | 'events'>(
    'useBullmqAdapter',
    {},
    ['adapter', 'events'],
    () => parts,
  );
}
