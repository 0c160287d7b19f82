/**
 * The deleter (Flamenco's job deleter, on the worker side): a long-lived component that deletes
 * records marked for deletion (marking.ts), in batches, files first, rows last (batch.ts). This
 * module is its loop: when to lead, when to run a pass, and stopping.
 *
 * Lifecycle of startDeleter(options) (defaults: deleter-options.ts):
 *   1. Check that PostgreSQL enforces the foreign keys deletions rely on (foreign-keys.ts). If not,
 *      log one ERROR line saying why and what to do, and stay refused (status 'refused'): nothing
 *      is deleted, the worker process itself carries on.
 *   2. Lead: take the advisory lock on a session of its own and LISTEN for marks (LeaderLock with
 *      deleter-lock.ts's key and channel).
 *      One deleter deletes per database however many worker processes start one; the others stand
 *      by (status 'standby') and try again at each periodic check, so one takes over within a
 *      minute when the leader's session ends.
 *   3. A pass: delete the next batch (deleter-batches.ts), and:
 *      - when the batch was not empty, look for more after `followUpMs` (100 ms), not a minute;
 *      - when it was empty, wait for a NOTIFY (a mark commits: at once) or the periodic check.
 *      Triggers arriving during a pass coalesce into one follow-up.
 *   4. The periodic check (every `checkIntervalMs`, 1 minute, and once at start) picks up what was
 *      marked while no deleter ran, and retries records whose deletion failed: a failed record is
 *      left out of the follow-up passes until the next periodic check.
 *   5. stop(): no new pass, wait for the running one, close the session (releasing the lock).
 *
 * Logging: started, refused, standing by, leading, session lost, a failed pass (ERROR; the marks
 * stay) and one DEBUG line per pass; per-record lines are the batches' (deleter-batches.ts).
 *
 * Example (bin/worker, in each pool's child process):
 *   const deleter = await startDeleter();     // defaults: dbPool(), STORAGE_ROOT, the framework logger
 *   ...; await deleter.stop();
 */
import { DeleterBatches } from './deleter-batches';
import { LeaderLock } from '../../framework/index';
import { DELETER_LEADERSHIP } from './deleter-lock';
import { deleterSettings, type DeleterOptions, type DeleterSettings } from './deleter-options';
import { checkForeignKeys, ForeignKeysNotEnforcedError } from './foreign-keys';

export type DeleterStatus = 'starting' | 'running' | 'standby' | 'refused' | 'stopped';

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

  private readonly lock: LeaderLock;
  private readonly batches: DeleterBatches;
  private periodic: NodeJS.Timeout | undefined;
  private followUp: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private clearExclusions = false;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly settings: DeleterSettings) {
    this.lock = new LeaderLock(settings.openSession, DELETER_LEADERSHIP, {
      notified: () => this.trigger('notify'),
      lost: (error) => this.sessionLost(error),
    });
    this.batches = new DeleterBatches(settings);
  }

  get deletedCount(): number {
    return this.batches.deletedCount;
  }

  async start(): Promise<void> {
    const { pool, storage, log, batchSize, followUpMs, checkIntervalMs } = this.settings;
    const problems = await checkForeignKeys(pool);
    if (problems.length > 0) {
      this.refusal = new ForeignKeysNotEnforcedError(problems);
      this.status = 'refused';
      log().error({ event: 'deleter_refused', problems }, this.refusal.message);
      return;
    }
    log().info(
      { event: 'deleter_started', batchSize, followUpMs, checkIntervalMs, storageRoot: storage.root },
      `Deleter started: batches of ${batchSize}, next batch ${followUpMs} ms after one, periodic check every ${checkIntervalMs / 1000} s, storage root ${storage.root}`,
    );
    this.periodic = setInterval(() => this.trigger('periodic'), checkIntervalMs);
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
    await this.lock.release();
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
    }, this.settings.followUpMs);
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async pass(reason: Trigger): Promise<void> {
    const log = this.settings.log;
    try {
      if (!(await this.lead())) return;
      if (this.clearExclusions) {
        this.clearExclusions = false;
        this.batches.clearExclusions();
      }
      const result = await this.batches.deleteNext();
      log().debug(
        {
          event: 'deleter_pass',
          reason,
          found: result.found,
          deleted: result.outcome.deleted.length,
          failed: result.outcome.failed.length,
        },
        `Deleter pass (${reason}): ${result.found} marked record(s), ${result.outcome.deleted.length} deleted, ${result.outcome.failed.length} failed`,
      );
      if (result.found > 0) this.scheduleFollowUp();
    } catch (error) {
      log().error(
        { event: 'deleter_pass_failed', err: error },
        `Deleter pass failed: ${error instanceof Error ? error.message : String(error)}; marks stay, next try at the periodic check in ${this.settings.checkIntervalMs / 1000} s`,
      );
    }
  }

  /** Holds the lock (and LISTENs) or stands by; resolves whether this deleter leads. */
  private async lead(): Promise<boolean> {
    if (this.lock.session) return true;
    if (!(await this.lock.acquire())) {
      if (this.status !== 'standby')
        this.settings
          .log()
          .info(
            { event: 'deleter_standby' },
            `Deleter standing by: another deleter holds the lock on this database; trying again every ${this.settings.checkIntervalMs / 1000} s`,
          );
      this.status = 'standby';
      return false;
    }
    if (this.status !== 'running')
      this.settings
        .log()
        .info(
          { event: 'deleter_leading' },
          'Deleter leading: it holds the deletion lock and listens for marks',
        );
    this.status = 'running';
    return true;
  }

  private sessionLost(error?: Error): void {
    if (this.stopping) return;
    this.status = 'standby';
    this.settings
      .log()
      .warn(
        { event: 'deleter_session_lost', err: error },
        `Deleter lost its database session${error ? ` (${error.message})` : ''}; it tries to lead again at the next periodic check`,
      );
  }
}

/** Starts a deleter (see the header); resolves once the foreign keys were checked. */
export async function startDeleter(options: DeleterOptions = {}): Promise<Deleter> {
  const deleter = new DeleterLoop(deleterSettings(options));
  await deleter.start();
  return deleter;
}
