/**
 * Boots the job framework for a process: logger, secret filter, known queues, the adapter for
 * this environment, the record locator (records as job arguments), and every job class.
 *
 * Steps: read env -> configure -> register jobs (duplicates fail here) -> return a shutdown hook.
 * Example: const backlot = bootBacklot(); ...; await backlot.shutdown()
 */
import { configureBacklot, registerJobs, type QueueAdapter } from '../app/framework/index';
import { disconnectPrisma, prisma } from '../app/db/client';
import { installRecordLocator } from '../app/db/record-locator';
import { ALL_JOBS } from '../jobs/index';
import { adapterNameFor, createAdapter } from './adapter';
import { env } from './env';
import { logger } from './logger';
import { QUEUE_NAMES } from './queues';

export interface BootOptions {
  /** Use this adapter instead of the environment's. */
  adapter?: QueueAdapter;
}

export interface BootedBacklot {
  adapter: QueueAdapter;
  shutdown(): Promise<void>;
}

export function bootBacklot(options: BootOptions = {}): BootedBacklot {
  const e = env();
  const adapter = options.adapter ?? createAdapter(adapterNameFor(e), e);
  configureBacklot({ adapter, logger: logger(), filterKeys: e.LOG_FILTER_KEYS, queues: QUEUE_NAMES });
  installRecordLocator(prisma());
  registerJobs(ALL_JOBS);
  return {
    adapter,
    async shutdown() {
      await adapter.close?.();
      await disconnectPrisma();
    },
  };
}
