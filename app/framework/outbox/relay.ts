/**
 * The outbox relay: a long-lived component in every worker process that moves committed outbox
 * rows to the queue. One relay per database and queue prefix leads (runtime/leader-lock.ts: advisory
 * lock on a session of its own, its key made from the prefix) and moves only that prefix's rows; the
 * others stand by and try the lock at each sweep, so leadership moves within one sweep interval when
 * the leader's process dies.
 *
 * Lifecycle of startOutboxRelay(options):
 *   1. Lead or stand by (the leader's name goes to job_outbox_relay for bin/jobs outbox).
 *   2. A pass, on the lock's session: take up to batchSize rows, oldest first; hand them to the
 *      adapter in one call (BullMQ: one addBulk per queue, each row's job id as the BullMQ job id);
 *      then delete them in one statement. A crash between the add and the delete leaves the rows,
 *      and the next leader adds them again, which BullMQ answers with the jobs it stored: nothing
 *      twice, nothing lost.
 *   3. After a full batch: the next pass at once. Otherwise wait for a NOTIFY (a staging transaction
 *      committed: at once) or the periodic sweep (every sweepIntervalMs: rows whose NOTIFY came while
 *      no relay listened).
 *   4. A failed pass (Redis away, or its add slower than addTimeoutMs) keeps the rows, logs WARN,
 *      records the error in job_outbox_relay and retries after a backoff doubling from backoffMs to
 *      maxBackoffMs; the first pass that works resets it.
 *   5. stop(): no new pass, wait for the running one, end the session (releasing the lock).
 *
 * Logging: leading, standing by, session lost (INFO/WARN); one DEBUG line per relayed batch; WARN
 * per failed pass.
 *
 * Example (bin/worker, in each pool's child process):
 *   const relay = startOutboxRelay({ openSession: () => new pg.Client(url), adapter, prefix: adapter.prefix, logger });
 *   ...; await relay.stop();
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { backlotSettings } from '../settings';
import { OutboxRelayError } from './errors';
import { LeaderLock, type LeaderSession } from '../runtime/leader-lock';
import type { StagedJob, StagedKind } from './staged-job';
import {
  DELETE_BATCH_SQL,
  NEXT_BATCH_SQL,
  OUTBOX_CHANNEL,
  outboxLockKey,
  RECORD_ERROR_SQL,
  RECORD_LEADER_SQL,
} from './table';

export interface OutboxRelayOptions {
  /** Opens a new session on the database holding the outbox (a pg.Client, not yet connected). */
  openSession: () => LeaderSession;
  /** Where relayed jobs go: the BullMQ adapter (QueueAdapter.enqueueStaged). */
  adapter: { enqueueStaged?(jobs: readonly StagedJob[]): Promise<void> };
  /**
   * The queue prefix whose staged jobs this relay moves (the adapter's; StagedJob.prefix). Rows
   * staged under another prefix are left to that prefix's relay.
   */
  prefix: string;
  /** Rows per pass. @defaultValue 1000 */
  batchSize?: number;
  /** The periodic sweep, and a standby's next try for the lock, in ms. @defaultValue 5000 */
  sweepIntervalMs?: number;
  /** The first retry delay after a failed pass, in ms; doubles per failure. @defaultValue 100 */
  backoffMs?: number;
  /** The longest retry delay, in ms. @defaultValue 5000 */
  maxBackoffMs?: number;
  /** A pass whose add has not answered by then fails (its rows are relayed again). @defaultValue 10000 */
  addTimeoutMs?: number;
  /** This relay's name in job_outbox_relay. @defaultValue host:pid */
  name?: string;
  /** Called after a batch was added and before its rows are deleted (fault tests). */
  afterAdd?: (count: number) => void | Promise<void>;
  /** @defaultValue the framework's logger */
  logger?: Logger;
}

export type OutboxRelayStatus = 'starting' | 'leading' | 'standby' | 'stopped';

export interface OutboxRelay {
  readonly status: OutboxRelayStatus;
  /** Jobs relayed by this process since start. */
  readonly relayedCount: number;
  /** The last failed pass's error, until a pass works. */
  readonly lastError: Error | undefined;
  /** Look for rows now (as a NOTIFY does). */
  wake(): void;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  job_id: string;
  kind: StagedKind;
  queue: string;
  name: string;
  data: unknown;
  opts: unknown;
  run_at: number | null;
}

/** A row of the relay's prefix (NEXT_BATCH_SQL takes no other, and a legacy row has none) as a staged job. */
const toStaged = (prefix: string, row: OutboxRow): StagedJob => ({
  jobId: row.job_id,
  kind: row.kind,
  prefix,
  queue: row.queue,
  name: row.name,
  data: row.data,
  opts: row.opts,
  runAt: row.run_at,
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OutboxRelayError(`the queue did not take the batch within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

class RelayLoop implements OutboxRelay {
  status: OutboxRelayStatus = 'starting';
  relayedCount = 0;
  lastError: Error | undefined;

  private readonly lock: LeaderLock;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly sweepIntervalMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly addTimeoutMs: number;
  private readonly name: string;
  private failures = 0;
  private stopping = false;
  private woken = false;
  private wakeSleeper: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.log = options.logger ?? backlotSettings().logger;
    this.batchSize = options.batchSize ?? 1000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 5000;
    this.backoffMs = options.backoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.addTimeoutMs = options.addTimeoutMs ?? 10_000;
    this.name = options.name ?? `${hostname()}:${process.pid}`;
    this.lock = new LeaderLock(
      options.openSession,
      { lockKey: outboxLockKey(options.prefix), channel: OUTBOX_CHANNEL },
      {
        notified: () => this.wake(),
        lost: (error) => {
          this.status = 'standby';
          this.log.warn({ err: error }, 'Outbox relay lost its database session; standing by');
          this.wake();
        },
      },
    );
  }

  start(): void {
    this.loop = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeSleeper?.();
    await this.loop;
    await this.lock.release();
    this.status = 'stopped';
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (!this.lock.session && !(await this.tryLead())) {
        await this.sleep(this.sweepIntervalMs, false);
        continue;
      }
      try {
        const relayed = await this.pass();
        this.failures = 0;
        this.lastError = undefined;
        if (relayed < this.batchSize) await this.sleep(this.sweepIntervalMs, true);
      } catch (error) {
        await this.failed(error instanceof Error ? error : new OutboxRelayError(String(error)));
      }
    }
  }

  private async tryLead(): Promise<boolean> {
    try {
      const leading = await this.lock.acquire();
      if (!leading) {
        if (this.status !== 'standby') this.log.info('Outbox relay standing by (another relay leads)');
        this.status = 'standby';
        return false;
      }
      await this.lock.session?.query(RECORD_LEADER_SQL, [this.options.prefix, this.name]);
      this.status = 'leading';
      this.log.info({ relay: this.name, prefix: this.options.prefix }, 'Outbox relay leading');
      return true;
    } catch (error) {
      this.status = 'standby';
      this.log.warn({ err: error }, 'Outbox relay cannot reach the database; trying again');
      return false;
    }
  }

  /** One batch; resolves how many rows it relayed. */
  private async pass(): Promise<number> {
    const session = this.lock.session;
    if (!session) return 0;
    const started = performance.now();
    const { prefix } = this.options;
    const { rows } = await session.query<OutboxRow>(NEXT_BATCH_SQL, [this.batchSize, prefix]);
    if (rows.length === 0) return 0;
    const { adapter } = this.options;
    if (!adapter.enqueueStaged) throw new OutboxRelayError('the queue adapter cannot take staged jobs');
    await withTimeout(adapter.enqueueStaged(rows.map((row) => toStaged(prefix, row))), this.addTimeoutMs);
    await this.options.afterAdd?.(rows.length);
    await session.query(DELETE_BATCH_SQL, [rows.map((row) => row.id)]);
    this.relayedCount += rows.length;
    if (this.log.isLevelEnabled('debug')) {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      this.log.debug({ count: rows.length, ms }, `Relayed ${rows.length} jobs from the outbox in ${ms}ms`);
    }
    return rows.length;
  }

  private async failed(error: Error): Promise<void> {
    this.failures += 1;
    this.lastError = error;
    const delay = Math.min(this.backoffMs * 2 ** (this.failures - 1), this.maxBackoffMs);
    this.log.warn(
      { err: error, failures: this.failures, retryInMs: delay },
      `Outbox relay failed (${error.message}); the rows stay, retrying in ${delay} ms`,
    );
    await this.lock.session
      ?.query(RECORD_ERROR_SQL, [this.options.prefix, error.message])
      .catch(() => undefined);
    await this.sleep(delay, false);
  }

  /** Waits ms, or less when stopping or (wakeable) a NOTIFY came. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopping || (wakeable && this.woken)) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = wakeable ? done : () => (this.stopping ? done() : undefined);
    });
  }
}

export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const relay = new RelayLoop(options);
  relay.start();
  return relay;
}
