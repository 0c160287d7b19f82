/**
 * The deleter (Flamenco's job deleter, on the worker side): a long-lived component that deletes
 * records marked for deletion (marking.ts), in batches, files first, rows last (batch.ts).
 *
 * Lifecycle of startDeleter(options):
 *   1. Check that PostgreSQL enforces the foreign keys deletions rely on (foreign-keys.ts). If not,
 *      log one ERROR line saying why and what to do, and stay refused (status 'refused'): nothing
 *      is deleted, the worker process itself carries on.
 *   2. Lead: open a session of its own, take the advisory lock DELETER_LOCK_KEY
 *      (pg_try_advisory_lock) and LISTEN backlot_deletions. One deleter deletes per database
 *      however many worker processes start one; the others stand by (status 'standby') and try
 *      again at each periodic check, so one takes over within a minute when the leader's session
 *      ends (a crashed process's session lock goes with its connection).
 *   3. A pass: find up to `batchSize` marked records (oldest mark first), delete them, and:
 *      - when the batch was not empty, look for more after `followUpMs` (100 ms), not a minute;
 *      - when it was empty, wait for a NOTIFY (a mark commits: at once) or the periodic check;
 *      - when there were more than `batchSize` waiting, log "Deletion queue full" (queue size,
 *        follow-up and check interval; at most once per check interval).
 *      Triggers arriving during a pass coalesce into one follow-up.
 *   4. The periodic check (every `checkIntervalMs`, 1 minute, and once at start) picks up what was
 *      marked while no deleter ran, and retries records whose deletion failed: a failed record is
 *      left out of the follow-up passes until the next periodic check, so failures cannot fill
 *      every batch and starve the rest.
 *   5. stop(): no new pass, wait for the running one, close the session (releasing the lock).
 *
 * Logging: one INFO line per deleted record, details at DEBUG (batch.ts); one WARN line per failed
 * record with the reason (DEBUG when the same record fails again at later scans).
 *
 * Example (bin/worker, in each pool's child process):
 *   const deleter = await startDeleter();     // defaults: dbPool(), STORAGE_ROOT, the framework logger
 *   ...; await deleter.stop();
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { env } from '../../../config/env';
import type { ConnectionPool } from '../../db/delete-many';
import { findMarked, type MarkedRow, type SqlReader } from '../../db/deletion.repository';
import { dbPool } from '../../db/pg-pool';
import { backlotSettings } from '../../framework/index';
import { deleteBatch, type BatchOutcome } from './batch';
import { checkForeignKeys, ForeignKeysNotEnforcedError } from './foreign-keys';
import { DELETION_CHANNEL, type DeletableModel } from './models';
import { DeletionStorage } from './storage';

/** Records per batch (Flamenco's deletion queue size). @defaultValue 100 */
export const DELETER_BATCH_SIZE = 100;
/** Delay before looking for more after a non-empty batch. @defaultValue 100 ms */
export const DELETER_FOLLOW_UP_MS = 100;
/** Periodic check for marks nobody announced, and retry of failed records. @defaultValue 60000 ms */
export const DELETER_CHECK_INTERVAL_MS = 60_000;
/** pg_try_advisory_lock key held by the leading deleter: hashtext('backlot:deleter'). */
export const DELETER_LOCK_KEY = `hashtext('backlot:deleter')`;

export type DeleterStatus = 'starting' | 'running' | 'standby' | 'refused' | 'stopped';

/** A session of the deleter's own (advisory lock, LISTEN): node-postgres's Client. */
export type DeleterSession = Pick<pg.Client, 'connect' | 'query' | 'on' | 'end'>;

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

export interface PassResult {
  /** Records found (at most batchSize). */
  found: number;
  /** More than batchSize were waiting. */
  full: boolean;
  outcome: BatchOutcome;
}

export interface Deleter {
  readonly status: DeleterStatus;
  /** Why it refused to run (status 'refused'). */
  readonly refusal: ForeignKeysNotEnforcedError | undefined;
  /** Records deleted since start. */
  readonly deletedCount: number;
  /** Look for marked records now (as a NOTIFY does). */
  wake(): void;
  /** Resolves once no pass runs and none is due before the next NOTIFY or periodic check. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

type Trigger = 'start' | 'periodic' | 'notify' | 'follow-up' | 'wake';

class DeleterLoop implements Deleter {
  status: DeleterStatus = 'starting';
  refusal: ForeignKeysNotEnforcedError | undefined;
  deletedCount = 0;

  private readonly pool: ConnectionPool & SqlReader;
  private readonly openSession: () => DeleterSession;
  private readonly storage: DeletionStorage;
  private readonly log: () => Logger;
  private readonly batchSize: number;
  private readonly followUpMs: number;
  private readonly checkIntervalMs: number;

  private session: DeleterSession | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private followUp: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private clearExclusions = false;
  private stopping = false;
  private readonly excluded: Record<DeletableModel, Set<number>> = { Upload: new Set(), Post: new Set() };
  private readonly warned = new Set<string>();
  private lastQueueFullLog = Number.NEGATIVE_INFINITY;
  private idleWaiters: (() => void)[] = [];

  constructor(options: DeleterOptions) {
    this.pool = options.pool ?? dbPool();
    this.openSession = options.session ?? (() => new pg.Client({ connectionString: env().DATABASE_URL }));
    this.storage = options.storage ?? new DeletionStorage(env().STORAGE_ROOT);
    this.log = options.logger ?? (() => backlotSettings().logger);
    this.batchSize = options.batchSize ?? DELETER_BATCH_SIZE;
    this.followUpMs = options.followUpMs ?? DELETER_FOLLOW_UP_MS;
    this.checkIntervalMs = options.checkIntervalMs ?? DELETER_CHECK_INTERVAL_MS;
  }

  async start(): Promise<void> {
    const problems = await checkForeignKeys(this.pool);
    if (problems.length > 0) {
      this.refusal = new ForeignKeysNotEnforcedError(problems);
      this.status = 'refused';
      this.log().error({ event: 'deleter_refused', problems }, this.refusal.message);
      return;
    }
    this.log().info(
      {
        event: 'deleter_started',
        batchSize: this.batchSize,
        followUpMs: this.followUpMs,
        checkIntervalMs: this.checkIntervalMs,
        storageRoot: this.storage.root,
      },
      `Deleter started: batches of ${this.batchSize}, next batch ${this.followUpMs} ms after one, periodic check every ${this.checkIntervalMs / 1000} s, storage root ${this.storage.root}`,
    );
    this.periodic = setInterval(() => this.trigger('periodic'), this.checkIntervalMs);
    this.periodic.unref();
    this.trigger('start');
  }

  wake(): void {
    this.trigger('wake');
  }

  idle(): Promise<void> {
    if (!this.running && !this.followUp) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.periodic);
    clearTimeout(this.followUp);
    this.followUp = undefined;
    await this.running;
    await this.closeSession();
    if (this.status !== 'refused') this.status = 'stopped';
    this.settleIdle();
  }

  private trigger(reason: Trigger): void {
    if (this.stopping || this.status === 'refused') return;
    if (reason === 'periodic' || reason === 'start') this.clearExclusions = true;
    if (this.running) {
      this.rerun = true;
      return;
    }
    if (this.followUp && reason !== 'periodic') return; // a pass is due shortly anyway
    clearTimeout(this.followUp);
    this.followUp = undefined;
    this.running = this.pass(reason).finally(() => {
      this.running = undefined;
      this.afterPass();
    });
  }

  private afterPass(): void {
    if (this.stopping) return this.settleIdle();
    if (this.rerun) {
      this.rerun = false;
      this.scheduleFollowUp();
    }
    if (!this.followUp) this.settleIdle();
  }

  private scheduleFollowUp(): void {
    if (this.followUp || this.stopping) return;
    this.followUp = setTimeout(() => {
      this.followUp = undefined;
      this.trigger('follow-up');
    }, this.followUpMs);
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async pass(reason: Trigger): Promise<void> {
    try {
      if (!(await this.lead())) return;
      if (this.clearExclusions) {
        this.clearExclusions = false;
        this.excluded.Upload.clear();
        this.excluded.Post.clear();
      }
      const result = await this.deleteOneBatch();
      this.log().debug(
        { event: 'deleter_pass', reason, found: result.found, deleted: result.outcome.deleted.length, failed: result.outcome.failed.length },
        `Deleter pass (${reason}): ${result.found} marked record(s), ${result.outcome.deleted.length} deleted, ${result.outcome.failed.length} failed`,
      );
      if (result.found > 0) this.scheduleFollowUp();
    } catch (error) {
      this.log().error(
        { event: 'deleter_pass_failed', err: error },
        `Deleter pass failed: ${error instanceof Error ? error.message : String(error)}; marks stay, next try at the periodic check in ${this.checkIntervalMs / 1000} s`,
      );
    }
  }

  private async deleteOneBatch(): Promise<PassResult> {
    const rows = await findMarked(this.pool, this.batchSize + 1, {
      Upload: [...this.excluded.Upload],
      Post: [...this.excluded.Post],
    });
    const full = rows.length > this.batchSize;
    const batch: MarkedRow[] = rows.slice(0, this.batchSize);
    if (full) this.logQueueFull();
    const outcome = await deleteBatch({ pool: this.pool, storage: this.storage, logger: this.log() }, batch);
    this.deletedCount += outcome.deleted.length;
    for (const failure of outcome.failed) {
      this.excluded[failure.row.model].add(failure.row.id);
      const key = `${failure.row.model}:${failure.row.id}:${failure.reason}`;
      const level = this.warned.has(key) ? 'debug' : 'warn';
      this.warned.add(key);
      this.log()[level](
        { event: 'record_deletion_failed', model: failure.row.model, recordId: failure.row.id, stage: failure.stage, reason: failure.reason },
        `Could not delete ${failure.row.model} ${failure.row.id} yet: ${failure.reason}; it stays marked and is retried at the next periodic check (every ${this.checkIntervalMs / 1000} s)`,
      );
    }
    for (const row of outcome.deleted) this.forgetWarnings(row);
    return { found: batch.length, full, outcome };
  }

  private forgetWarnings(row: MarkedRow): void {
    if (this.warned.size === 0) return;
    const prefix = `${row.model}:${row.id}:`;
    for (const key of this.warned) if (key.startsWith(prefix)) this.warned.delete(key);
  }

  private logQueueFull(): void {
    const now = Date.now();
    if (now - this.lastQueueFullLog < this.checkIntervalMs) return;
    this.lastQueueFullLog = now;
    this.log().info(
      { event: 'deletion_queue_full', queueSize: this.batchSize, followUpMs: this.followUpMs, checkIntervalMs: this.checkIntervalMs },
      `Deletion queue full: more than ${this.batchSize} records (the queue size) are marked; deleting them ${this.batchSize} at a time, ${this.followUpMs} ms apart (periodic check every ${this.checkIntervalMs / 1000} s)`,
    );
  }

  /** Holds the advisory lock (and LISTENs) or stands by; resolves whether this deleter leads. */
  private async lead(): Promise<boolean> {
    if (this.session) return true;
    const session = this.openSession();
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.session !== session) return;
      this.session = undefined;
      if (this.stopping) return;
      this.status = 'standby';
      this.log().warn(
        { event: 'deleter_session_lost', err: error },
        `Deleter lost its database session${error ? ` (${error.message})` : ''}; it tries to lead again at the next periodic check`,
      );
    };
    session.on('error', onLost);
    session.on('end', () => onLost());
    try {
      await session.connect();
      const { rows } = await session.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${DELETER_LOCK_KEY}) AS locked`);
      if (!rows[0]?.locked) {
        lost = true;
        await session.end().catch(() => undefined);
        if (this.status !== 'standby')
          this.log().info(
            { event: 'deleter_standby' },
            `Deleter standing by: another deleter holds the lock on this database; trying again every ${this.checkIntervalMs / 1000} s`,
          );
        this.status = 'standby';
        return false;
      }
      session.on('notification', () => this.trigger('notify'));
      await session.query(`LISTEN ${DELETION_CHANNEL}`);
    } catch (error) {
      lost = true;
      await session.end().catch(() => undefined);
      throw error;
    }
    this.session = session;
    if (this.status !== 'running') this.log().info({ event: 'deleter_leading' }, 'Deleter leading: it holds the deletion lock and listens for marks');
    this.status = 'running';
    return true;
  }

  private async closeSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.end().catch(() => undefined);
  }
}

/** Starts a deleter (see the header); resolves once the foreign keys were checked. */
export async function startDeleter(options: DeleterOptions = {}): Promise<Deleter> {
  const deleter = new DeleterLoop(options);
  await deleter.start();
  return deleter;
}
