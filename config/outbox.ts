/**
 * Wires the framework's outbox relay (app/framework/outbox/) for a worker process: sessions on
 * DATABASE_URL (named "backlot outbox relay" in pg_stat_activity), the process's BullMQ adapter,
 * the framework logger, the sweep interval from OUTBOX_SWEEP_INTERVAL_MS, and the fault tests'
 * kill hook (OUTBOX_TEST_KILL_AFTER_ADD). Also reads the outbox's status for bin/jobs and the web.
 *
 * Example (bin/worker's child): const relay = startAppOutboxRelay(backlot.adapter); ...; await relay?.stop()
 */
import { existsSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { startOutboxRelay, type OutboxRelay, type QueueAdapter } from '../app/framework/index';
import { env } from './env';
import { logger } from './logger';

/** The kill hook: the first process to reach it marks the file and dies; later ones carry on. */
function killOnceAfterAdd(marker: string): () => void {
  return () => {
    if (existsSync(marker)) return;
    writeFileSync(marker, String(process.pid));
    process.kill(process.pid, 'SIGKILL');
  };
}

/** Starts the relay when the adapter can take staged jobs (bullmq); undefined otherwise. */
export function startAppOutboxRelay(adapter: QueueAdapter): OutboxRelay | undefined {
  if (!adapter.enqueueStaged) return undefined;
  const e = env();
  return startOutboxRelay({
    openSession: () =>
      new pg.Client({ connectionString: e.DATABASE_URL, application_name: 'backlot outbox relay' }),
    adapter,
    prefix: adapter.prefix ?? e.QUEUE_PREFIX,
    logger: logger(),
    sweepIntervalMs: e.OUTBOX_SWEEP_INTERVAL_MS,
    afterAdd: e.OUTBOX_TEST_KILL_AFTER_ADD ? killOnceAfterAdd(e.OUTBOX_TEST_KILL_AFTER_ADD) : undefined,
  });
}
