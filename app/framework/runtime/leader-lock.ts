/**
 * Leadership of one process per database over a session of its own: the session holds a
 * PostgreSQL advisory lock and LISTENs on a channel, so one leader acts however many worker
 * processes run a candidate (the outbox relay; the app's background deleter). A crashed process's
 * lock goes with its connection; a standby takes the lock at its next try. A leader may run its own
 * statements on the held session, so one whose session was lost can no longer act.
 *
 * Steps of acquire():
 *   1. Open a session and watch it: an 'error' or 'end' of the held session is reported once
 *      through lost(error) (not after release(), nor for a session that never got the lock).
 *   2. pg_try_advisory_lock(lockKey): another session holds it: end this one, resolve false.
 *   3. LISTEN on the channel; each NOTIFY calls notified().
 *   4. Hold the session and resolve true. A failure on the way ends the session and throws.
 * release(): end the held session, which releases the lock; lost() is not called for it.
 *
 * Example:
 *   const lock = new LeaderLock(openSession, { lockKey: `hashtext('x')`, channel: 'x' }, { notified: wake, lost: standBy });
 *   if (await lock.acquire()) { await lock.session?.query(...); await lock.release(); }
 */

/** A session of the leader's own: a node-postgres Client fits. */
export interface LeaderSession {
  connect(): Promise<unknown>;
  query<R = any>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end' | 'notification', listener: () => void): unknown;
  end(): Promise<void>;
}

export interface LeaderLockOptions {
  /** SQL expression of the advisory lock's key, e.g. `hashtext('backlot:outbox')`. */
  lockKey: string;
  /** Channel LISTENed on while leading. */
  channel: string;
}

export interface LeaderLockEvents {
  /** A NOTIFY arrived on the channel. */
  notified(): void;
  /** The held session failed or ended without release(). */
  lost(error?: Error): void;
}

export class LeaderLock {
  private held: LeaderSession | undefined;

  constructor(
    private readonly openSession: () => LeaderSession,
    private readonly options: LeaderLockOptions,
    private readonly events: LeaderLockEvents,
  ) {}

  /** The session holding the lock, if this process leads. */
  get session(): LeaderSession | undefined {
    return this.held;
  }

  /** Resolves true when this session took the lock and listens, false when another holds it. */
  async acquire(): Promise<boolean> {
    const session = this.openSession();
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.held !== session) return;
      this.held = undefined;
      this.events.lost(error);
    };
    session.on('error', onLost);
    session.on('end', () => onLost());
    try {
      await session.connect();
      const { rows } = await session.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(${this.options.lockKey}) AS locked`,
      );
      if (!rows[0]?.locked) {
        lost = true;
        await session.end().catch(() => undefined);
        return false;
      }
      session.on('notification', () => this.events.notified());
      await session.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      lost = true;
      await session.end().catch(() => undefined);
      throw error;
    }
    this.held = session;
    return true;
  }

  async release(): Promise<void> {
    const session = this.held;
    this.held = undefined;
    await session?.end().catch(() => undefined);
  }
}
