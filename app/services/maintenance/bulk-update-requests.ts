/**
 * PruneBulkUpdateRequestsJob's work: pending bulk update requests expire 45 days after they were
 * created (Danbooru rejects unapproved BURs too). Rules:
 *   - reject: a BUR still `pending` 45 days or more after created_at becomes `rejected`, with a
 *     `bulk_update_request_reject` mod action by the system (creator null);
 *   - warn: a BUR still `pending` 40 days or more after created_at (5 days before it expires) and
 *     not warned yet gets expiry_warned_at; set once, so the warning goes out once. A request that
 *     is already past 45 days is rejected without a warning (the clock was down when it was due).
 * Rejection runs first, so one run never warns a request it then rejects. Each chunk is one
 * statement (select, update and mod actions in data-modifying CTEs) that re-checks the status in
 * its UPDATE, so a request approved meanwhile is left alone. Each statement returns the affected
 * requests with their creator's mail address, for the job to mail them (expiryMail).
 *
 * Example:
 *   const rejected = await rejectExpiredBulkUpdateRequestsChunk(prisma(), new Date(), 500)
 *   const warned = await warnExpiringBulkUpdateRequestsChunk(prisma(), new Date(), 500)
 */
import type { AppPrismaClient } from '../../db/client';
import { daysBefore } from './chunks';

/** Days a BUR may stay pending. @defaultValue 45 */
export const BUR_EXPIRY_DAYS = 45;
/** Days before expiry the creator is warned. @defaultValue 5 */
export const BUR_WARNING_DAYS = 5;
/** @defaultValue 500 requests per statement */
export const BUR_CHUNK_SIZE = 500;

/** A request that was just warned or rejected, and where to mail its creator. */
export interface BurNotice {
  id: number;
  title: string | null;
  createdAt: Date;
  /** The creator's mail address; null when there is no creator or no address. */
  email: string | null;
}

type RawClient = Pick<AppPrismaClient, '$queryRaw'>;

export function burExpiresAt(createdAt: Date): Date {
  return new Date(createdAt.getTime() + BUR_EXPIRY_DAYS * 24 * 3600 * 1000);
}

/** Rejects up to `limit` pending requests created 45+ days before `now`. */
export function rejectExpiredBulkUpdateRequestsChunk(
  client: RawClient,
  now: Date,
  limit = BUR_CHUNK_SIZE,
): Promise<BurNotice[]> {
  const cutoff = daysBefore(now, BUR_EXPIRY_DAYS);
  return client.$queryRaw<BurNotice[]>`
    WITH expired AS (
      SELECT id FROM bulk_update_requests WHERE status = 'pending' AND created_at <= ${cutoff} ORDER BY id LIMIT ${limit}
    ),
    rejected AS (
      UPDATE bulk_update_requests b SET status = 'rejected', updated_at = ${now}
      FROM expired e WHERE b.id = e.id AND b.status = 'pending'
      RETURNING b.id, b.title, b.created_at, b.user_id
    ),
    logged AS (
      INSERT INTO mod_actions (creator_id, category, description, subject_type, subject_id)
      SELECT NULL, 'bulk_update_request_reject',
        'rejected bulk update request #' || id || ': not approved within ' || ${BUR_EXPIRY_DAYS}::int || ' days',
        'BulkUpdateRequest', id
      FROM rejected
      RETURNING id
    )
    SELECT r.id, r.title, r.created_at AS "createdAt", u.email
    FROM rejected r LEFT JOIN users u ON u.id = r.user_id
    ORDER BY r.id`;
}

/** Marks up to `limit` pending, unwarned requests created 40+ days before `now` as warned. */
export function warnExpiringBulkUpdateRequestsChunk(
  client: RawClient,
  now: Date,
  limit = BUR_CHUNK_SIZE,
): Promise<BurNotice[]> {
  const cutoff = daysBefore(now, BUR_EXPIRY_DAYS - BUR_WARNING_DAYS);
  return client.$queryRaw<BurNotice[]>`
    WITH expiring AS (
      SELECT id FROM bulk_update_requests
      WHERE status = 'pending' AND expiry_warned_at IS NULL AND created_at <= ${cutoff}
      ORDER BY id LIMIT ${limit}
    ),
    warned AS (
      UPDATE bulk_update_requests b SET expiry_warned_at = ${now}
      FROM expiring e WHERE b.id = e.id AND b.status = 'pending' AND b.expiry_warned_at IS NULL
      RETURNING b.id, b.title, b.created_at, b.user_id
    )
    SELECT w.id, w.title, w.created_at AS "createdAt", u.email
    FROM warned w LEFT JOIN users u ON u.id = w.user_id
    ORDER BY w.id`;
}

export interface MailSpec {
  to: string;
  subject: string;
  body: string;
}

function describe(notice: BurNotice): string {
  return notice.title ? `#${notice.id} (${notice.title})` : `#${notice.id}`;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The mail telling the creator about a warning or a rejection; null when there is no address. */
export function expiryMail(notice: BurNotice, kind: 'warning' | 'rejection'): MailSpec | null {
  if (!notice.email) return null;
  if (kind === 'warning') {
    return {
      to: notice.email,
      subject: `Bulk update request #${notice.id} will be rejected in ${BUR_WARNING_DAYS} days`,
      body:
        `Your bulk update request ${describe(notice)}, created on ${day(notice.createdAt)}, is still pending. ` +
        `It will be rejected automatically on ${day(burExpiresAt(notice.createdAt))} unless it is approved before then.`,
    };
  }
  return {
    to: notice.email,
    subject: `Bulk update request #${notice.id} was rejected`,
    body:
      `Your bulk update request ${describe(notice)}, created on ${day(notice.createdAt)}, ` +
      `was not approved within ${BUR_EXPIRY_DAYS} days and has been rejected.`,
  };
}
