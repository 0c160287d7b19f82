/**
 * The deleter's options and their defaults: batch size, pacing, and the connections, storage and
 * logger it works with. startDeleter resolves them once; the loop, the batches and the lock share
 * the result.
 *
 * Steps of deleterSettings(options): take each option given, else its default: dbPool() for scans
 * and deletes, a pg.Client on env().DATABASE_URL (opened per attempt to lead) for the lock and
 * LISTEN, DeletionStorage at env().STORAGE_ROOT, the framework logger (read at each line), and the
 * DELETER_* constants below.
 *
 * Example:
 *   const settings = deleterSettings({ batchSize: 10 });
 *   settings.batchSize;        // 10
 *   settings.checkIntervalMs;  // DELETER_CHECK_INTERVAL_MS (60000)
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { env } from '../../../config/env';
import type { ConnectionPool } from '../../db/delete-many';
import type { SqlReader } from '../../db/deletion.repository';
import { dbPool } from '../../db/pg-pool';
import { backlotSettings } from '../../framework/index';
import type { DeleterSession } from './deleter-lock';
import { DeletionStorage } from './storage';

/** Records per batch (Flamenco's deletion queue size). @defaultValue 100 */
export const DELETER_BATCH_SIZE = 100;
/** Delay before looking for more after a non-empty batch. @defaultValue 100 ms */
export const DELETER_FOLLOW_UP_MS = 100;
/** Periodic check for marks nobody announced, and retry of failed records. @defaultValue 60000 ms */
export const DELETER_CHECK_INTERVAL_MS = 60_000;

export interface DeleterOptions {
  /** Scans and deleteMany. @defaultValue dbPool() */
  pool?: ConnectionPool & SqlReader;
  /** Opens the lock/LISTEN session. @defaultValue a pg.Client on env().DATABASE_URL */
  session?: () => DeleterSession;
  /** @defaultValue new DeletionStorage(env().STORAGE_ROOT) */
  storage?: DeletionStorage;
  /** @defaultValue the framework logger, read at each line */
  logger?: () => Logger;
  /** @defaultValue DELETER_BATCH_SIZE (100) */
  batchSize?: number;
  /** @defaultValue DELETER_FOLLOW_UP_MS (100) */
  followUpMs?: number;
  /** @defaultValue DELETER_CHECK_INTERVAL_MS (60000) */
  checkIntervalMs?: number;
}

/** DeleterOptions with every default filled in. */
export interface DeleterSettings {
  readonly pool: ConnectionPool & SqlReader;
  readonly openSession: () => DeleterSession;
  readonly storage: DeletionStorage;
  readonly log: () => Logger;
  readonly batchSize: number;
  readonly followUpMs: number;
  readonly checkIntervalMs: number;
}

export function deleterSettings(options: DeleterOptions): DeleterSettings {
  return {
    pool: options.pool ?? dbPool(),
    openSession: options.session ?? (() => new pg.Client({ connectionString: env().DATABASE_URL })),
    storage: options.storage ?? new DeletionStorage(env().STORAGE_ROOT),
    log: options.logger ?? (() => backlotSettings().logger),
    batchSize: options.batchSize ?? DELETER_BATCH_SIZE,
    followUpMs: options.followUpMs ?? DELETER_FOLLOW_UP_MS,
    checkIntervalMs: options.checkIntervalMs ?? DELETER_CHECK_INTERVAL_MS,
  };
}
