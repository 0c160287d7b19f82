/**
 * Boots the job framework for a process: logger, secret filter, known queues, the adapter for
 * this environment, the record locator (records as job arguments), and every job class.
 *
 * Steps: read env -> configure -> register jobs (duplicates fail here) and declare jobs/index.ts as
 * their list (performLater of a class missing from it fails at once, in production it warns) ->
 * return a shutdown hook.
 * Example: const backlot = bootBacklot(); ...; await backlot.shutdown()
 */
import {
  configureBacklot,
  registerJobs,
  requireRegistration,
  startEventBus,
  type EventBus,
  type QueueAdapter,
} from '../app/framework/index';
import { disconnectPrisma, prisma } from '../app/db/client';
import { closeDbPool } from '../app/db/pg-pool';
import { installRecordLocator } from '../app/db/record-locator';
// The app's event types, defined in every process, so events of them read from the stream are accepted.
import '../app/events/index';
import { ALL_JOBS } from '../jobs/index';
import { adapterNameFor, createAdapter } from './adapter';
import { env } from './env';
import { logger } from './logger';
import { QUEUE_NAMES } from './queues';
import { createRedis } from './redis';

/** Where the app lists its job classes (named in the registry's errors). */
export const JOB_LIST_FILE = 'jobs/index.ts';

export interface BootOptions {
  /** Use this adapter instead of the environment's. */
  adapter?: QueueAdapter;
  /**
   * The event bus: 'publish' (workers, clock, CLIs: this process's events go to the Redis stream
   * and MQTT), 'subscribe' (the web process: also reads every process's events for live pages).
   * @defaultValue no bus
   */
  events?: 'publish' | 'subscribe';
}

export interface BootedBacklot {
  adapter: QueueAdapter;
  /** The event bus, when BootOptions.events asked for one. */
  events: EventBus | undefined;
  shutdown(): Promise<void>;
}

export function bootBacklot(options: BootOptions = {}): BootedBacklot {
  const e = env();
  const adapter = options.adapter ?? createAdapter(adapterNameFor(e), e);
  configureBacklot({ adapter, logger: logger(), filterKeys: e.LOG_FILTER_KEYS, queues: QUEUE_NAMES });
  installRecordLocator(prisma());
  registerJobs(ALL_JOBS);
  requireRegistration({
    registeredIn: JOB_LIST_FILE,
    unregistered: e.NODE_ENV === 'production' ? 'warn' : 'throw',
  });
  const events = options.events
    ? startEventBus({
        redis: {
          url: e.REDIS_URL,
          connect: (blocking) =>
            createRedis(
              e,
              blocking ? 'worker' : 'watched',
              blocking ? 'backlot:events:subscriber' : 'backlot:events:publisher',
            ),
          prefix: e.QUEUE_PREFIX,
          subscribe: options.events === 'subscribe',
        },
        mqtt: e.MQTT_URL ? { url: e.MQTT_URL, topicPrefix: e.MQTT_TOPIC_PREFIX } : undefined,
      })
    : undefined;
  return {
    adapter,
    events,
    async shutdown() {
      // First: the bus flushes, so a worker's last events (worker.down) reach Redis.
      await events?.stop();
      await adapter.close?.();
      // Jobs that delete in bulk use the pg pool beside Prisma (deleteMany); closed once no job runs.
      await closeDbPool();
      await disconnectPrisma();
    },
  };
}
