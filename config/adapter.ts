/**
 * Which queue adapter each environment uses: bullmq in development and production, test under
 * NODE_ENV=test; JOB_ADAPTER overrides (async for quick local runs without workers, inline to run
 * jobs in the caller).
 */
import {
  AsyncAdapter,
  BullmqAdapter,
  InlineAdapter,
  TestAdapter,
  type QueueAdapter,
} from '../app/framework/index';
import type { Env } from './env';
import { createRedis, topologyOf } from './redis';
import type { RedisEnv } from './redis-topology';

export type AdapterName = 'bullmq' | 'async' | 'inline' | 'test';

export function adapterNameFor(e: Pick<Env, 'NODE_ENV' | 'JOB_ADAPTER'>): AdapterName {
  if (e.JOB_ADAPTER) return e.JOB_ADAPTER;
  switch (e.NODE_ENV) {
    case 'test':
      return 'test';
    case 'development':
    case 'production':
      return 'bullmq';
  }
}

/** The BullMQ adapter on its own producer connection (closed with the adapter). */
export function createBullmqAdapter(e: RedisEnv): BullmqAdapter {
  return new BullmqAdapter({
    connection: createRedis(e),
    ownsConnection: true,
    prefix: e.QUEUE_PREFIX,
    layout: topologyOf(e).layout,
  });
}

export function createAdapter(name: AdapterName, e: RedisEnv): QueueAdapter {
  switch (name) {
    case 'bullmq':
      return createBullmqAdapter(e);
    case 'async':
      return new AsyncAdapter();
    case 'inline':
      return new InlineAdapter();
    case 'test':
      return new TestAdapter();
  }
}
