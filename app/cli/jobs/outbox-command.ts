/**
 * bin/jobs outbox: the jobs enqueued in transactions that wait for the relay (app/framework/outbox/):
 * rows waiting, the oldest one's age, the relay leader and the last relay error. It reads
 * PostgreSQL only, so it answers while Redis is away (when rows pile up). Exits 1, after its
 * output and with a warning on stderr, when rows wait and no relay holds the leader's lock.
 *
 * Example: registerOutboxCommand(program)   // bin/jobs.ts
 */
import type { Command } from 'commander';
import { formatDuration, readOutboxStatus, type OutboxStatus } from '../../framework/index';
import { dbPool } from '../../db/pg-pool';
import { env } from '../../../config/env';
import { useCliLogger } from '../../../config/logger';
import { assertServices } from '../../../config/services';
import { print } from './context';

export function describeOutbox(status: OutboxStatus): string {
  const age = status.oldestAgeMs === null ? '' : `, oldest ${formatDuration(status.oldestAgeMs / 1000)} old`;
  const leader = status.leader
    ? `${status.leader.name} since ${status.leader.since.toISOString()}${status.leader.alive ? '' : ' (not running: no relay holds the lock)'}`
    : 'none yet (no bin/worker has run a relay on this database)';
  const error = status.lastError
    ? `${status.lastError.message} at ${status.lastError.at.toISOString()}`
    : 'none';
  return [`Waiting:    ${status.waiting} job(s)${age}`, `Leader:     ${leader}`, `Last error: ${error}`].join(
    '\n',
  );
}

export function registerOutboxCommand(program: Command): void {
  program
    .command('outbox')
    .description(
      'jobs enqueued in transactions waiting for the relay (bin/worker): count, oldest age, relay leader, last error',
    )
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      useCliLogger();
      await assertServices({ redis: false, postgres: true });
      const status = await readOutboxStatus(dbPool(), env().QUEUE_PREFIX);
      print(o.json, status, () => describeOutbox(status));
      if (status.waiting > 0 && !status.leader?.alive) {
        process.stderr.write('warning: jobs wait in the outbox and no relay runs: start bin/worker\n');
        process.exitCode = 1;
      }
    });
}
