/**
 * What the outbox holds for one queue prefix and who relays it, for bin/jobs outbox, the admin jobs
 * page and /metrics: rows waiting, the oldest row's age, the relay leader (its name, since when, and
 * whether a session holds the leader's lock right now) and the last relay error with its time.
 *
 * Example: const status = await readOutboxStatus(pool, '{backlot}'); status.waiting
 */
import { COUNT_SQL, STATUS_SQL } from './table';

/** Runs a query: a pg Pool or Client fits. */
export interface OutboxQueryable {
  query<R = any>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface OutboxStatus {
  waiting: number;
  /** Age of the oldest waiting row in ms, or null when none waits. */
  oldestAgeMs: number | null;
  /** The relay that leads (host:pid) as last recorded, and whether its lock is held now. */
  leader: { name: string; since: Date; alive: boolean } | null;
  lastError: { message: string; at: Date } | null;
}

interface StatusRow {
  waiting: number;
  oldest_age_ms: number | null;
  leader: string | null;
  leading_since: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  leader_alive: boolean;
}

export async function readOutboxStatus(db: OutboxQueryable, prefix: string): Promise<OutboxStatus> {
  const { rows } = await db.query<StatusRow>(STATUS_SQL, [prefix]);
  const row = rows[0];
  if (!row) return { waiting: 0, oldestAgeMs: null, leader: null, lastError: null };
  return {
    waiting: row.waiting,
    oldestAgeMs: row.oldest_age_ms === null ? null : Math.max(0, Math.round(row.oldest_age_ms)),
    leader:
      row.leader && row.leading_since
        ? { name: row.leader, since: row.leading_since, alive: row.leader_alive }
        : null,
    lastError:
      row.last_error && row.last_error_at ? { message: row.last_error, at: row.last_error_at } : null,
  };
}

/** Rows of a prefix waiting in the outbox. */
export async function countOutbox(db: OutboxQueryable, prefix: string): Promise<number> {
  const { rows } = await db.query<{ waiting: number }>(COUNT_SQL, [prefix]);
  return rows[0]?.waiting ?? 0;
}
