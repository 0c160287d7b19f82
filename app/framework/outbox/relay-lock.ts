/**
 * The leading relay's database session: one session of its own that holds the advisory lock
 * OUTBOX_LOCK_KEY and LISTENs on OUTBOX_CHANNEL, so one relay per database moves rows however many
 * worker processes run one. A crashed process's lock goes with its connection; a standby takes
 * the lock at its next try. The relay runs its batch statements on this same session, so a relay
 * whose session was lost can no longer touch the outbox.
 *
 * Steps of acquire():
 *   1. Open a session and watch it: an 'error' or 'end' of the held session is reported once
 *      through lost(error) (not after release(), nor for a session that never got the lock).
 *   2. pg_try_advisory_lock: another session holds it: end this one, resolve false.
 *   3. LISTEN on the channel; each NOTIFY (a transaction that staged jobs committed) calls notified().
 *   4. Hold the session and resolve true. A failure on the way ends the session and throws.
 * release(): end the held session, which releases the lock.
 *
 * Example:
 *   const lock = new RelayLock(openSession, { notified: wake, lost: standBy });
 *   if (await lock.acquire()) { await lock.session?.query(...); await lock.release(); }
 */
import { OUTBOX_CHANNEL, OUTBOX_LOCK_KEY } from './table';

/** A session of the relay's own: a node-postgres Client fits. */
export interface RelaySession {
  connect(): Promise<unknown>;
  query<R = any>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end' | 'notification', listener: () => void): unknown;
  end(): Promise<void>;
}

export interface RelayLockEvents {
  notified(): void;
  lost(error?: Error): void;
}

export class RelayLock {
  private held: RelaySession | undefined;

  constructor(
    private readonly openSession: () => RelaySession,
    private readonly events: RelayLockEvents,
  ) {}

  /** The session holding the lock, if this relay leads. */
  get session(): RelaySession | undefined {
    return this.held;
  }

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
        `SELECT pg_try_advisory_lock(${OUTBOX_LOCK_KEY}) AS locked`,
      );
      if (!rows[0]?.locked) {
        lost = true;
        await session.end().catch(() => undefined);
        return false;
      }
      session.on('notification', () => this.events.notified());
      await session.query(`LISTEN ${OUTBOX_CHANNEL}`);
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
