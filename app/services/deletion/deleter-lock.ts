/**
 * The leading deleter's database session: one session of its own that holds the advisory lock
 * DELETER_LOCK_KEY and LISTENs for marks, so one deleter deletes per database however many worker
 * processes start one. A crashed process's session lock goes with its connection.
 *
 * Steps of acquire():
 *   1. Open a session and watch it: an 'error' or 'end' of the held session is reported once
 *      through lost(error) (not after release(), nor for a session that never got the lock).
 *   2. pg_try_advisory_lock(DELETER_LOCK_KEY): another session holds it: end this one, resolve false.
 *   3. LISTEN on the deletion channel; each NOTIFY (a mark committed) calls notified().
 *   4. Hold the session and resolve true. A failure on the way ends the session and throws.
 * release(): end the held session, which releases the lock.
 *
 * Example:
 *   const lock = new DeleterLock(openSession, { notified: () => wake(), lost: (error) => standBy(error) });
 *   if (await lock.acquire()) { ...lead...; await lock.release(); }
 */
import type pg from 'pg';
import { DELETION_CHANNEL } from './models';

/** pg_try_advisory_lock key held by the leading deleter: hashtext('backlot:deleter'). */
export const DELETER_LOCK_KEY = `hashtext('backlot:deleter')`;

/** A session of the deleter's own (advisory lock, LISTEN): node-postgres's Client. */
export type DeleterSession = Pick<pg.Client, 'connect' | 'query' | 'on' | 'end'>;

export interface DeleterLockEvents {
  /** A NOTIFY arrived on the deletion channel. */
  notified(): void;
  /** The held session failed or ended without release(). */
  lost(error?: Error): void;
}

export class DeleterLock {
  private session: DeleterSession | undefined;

  constructor(
    private readonly openSession: () => DeleterSession,
    private readonly events: DeleterLockEvents,
  ) {}

  /** A session holds the lock now. */
  get held(): boolean {
    return this.session !== undefined;
  }

  /** Resolves true when this session took the lock and listens, false when another holds it. */
  async acquire(): Promise<boolean> {
    const session = this.openSession();
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.session !== session) return;
      this.session = undefined;
      this.events.lost(error);
    };
    session.on('error', onLost);
    session.on('end', () => onLost());
    try {
      await session.connect();
      const { rows } = await session.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(${DELETER_LOCK_KEY}) AS locked`,
      );
      if (!rows[0]?.locked) {
        lost = true;
        await session.end().catch(() => undefined);
        return false;
      }
      session.on('notification', () => this.events.notified());
      await session.query(`LISTEN ${DELETION_CHANNEL}`);
    } catch (error) {
      lost = true;
      await session.end().catch(() => undefined);
      throw error;
    }
    this.session = session;
    return true;
  }

  /** Ends the held session (releasing the lock); lost() is not called for it. */
  async release(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.end().catch(() => undefined);
  }
}
