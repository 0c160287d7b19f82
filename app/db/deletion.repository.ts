/**
 * Deletion marks (deletion_requested_at on posts and uploads): setting them, and finding marked
 * rows for the deleter (app/services/deletion/).
 *
 * Marking never deletes and never touches updated_at. Each marking statement also sends
 * NOTIFY backlot_deletions when it marked anything (pg_notify in the same statement, delivered at
 * commit), which wakes the deleter at once; its periodic scan finds marks whose notification it
 * missed.
 *
 * Mass marking compares updated_at with the cutoff exactly: the cutoff travels as text and is cast
 * to timestamptz (microseconds), then to UTC wall time, the way Prisma stores DateTime in
 * `timestamp(3)` columns. Nothing goes through a JS Date (milliseconds) and nothing is rounded to
 * the column's precision: `updated_at < '...00.123400Z'` keeps a row at .123.
 *
 * Steps of a marking chunk (markChunkUpdatedBefore, markUserContentChunk): the next `limit`
 * candidate ids above `afterId` in id order (primary key index), then one UPDATE of those still
 * unmarked; the caller continues after `lastId` until a chunk scans fewer than `limit`.
 *
 * Example:
 *   await markOne(prisma(), 'posts', 12)                           // { found: true, marked: true, deletionRequestedAt }
 *   await normalizeCutoff(prisma(), '2026-01-01T10:00:00.123456+02:00')   // '2026-01-01T08:00:00.123456Z'
 *   await markChunkUpdatedBefore(prisma(), 'posts', cutoff, 0, 10_000)    // { scanned, lastId, ids }
 *   await findMarked(dbPool(), 100, { Upload: [], Post: [] })      // oldest marks first
 */
import type { AppPrismaClient } from './client';

type RawClient = Pick<AppPrismaClient, '$queryRawUnsafe'>;

/** Tables that carry deletion_requested_at and are deleted by the deleter. */
export type MarkableTable = 'posts' | 'uploads';

/** The NOTIFY channel (app/services/deletion/models.ts DELETION_CHANNEL). */
const CHANNEL = 'backlot_deletions';

function table(name: MarkableTable): string {
  if (name !== 'posts' && name !== 'uploads') throw new TypeError(`not a markable table: ${String(name)}`);
  return `"${name}"`;
}

export interface MarkOneResult {
  /** false: no such row. */
  found: boolean;
  /** false: it was marked already (deletionRequestedAt is the earlier mark). */
  marked: boolean;
  deletionRequestedAt: Date | null;
}

/** Marks one row (unless marked already) and notifies the deleter when it did. */
export async function markOne(client: RawClient, name: MarkableTable, id: number): Promise<MarkOneResult> {
  const t = table(name);
  const rows = await client.$queryRawUnsafe<Array<{ at: Date | null; marked: boolean; notified: number }>>(
    `WITH target AS (SELECT deletion_requested_at FROM ${t} WHERE id = $1::int),
     marked AS (
       UPDATE ${t} SET deletion_requested_at = now() WHERE id = $1::int AND deletion_requested_at IS NULL
       RETURNING deletion_requested_at
     ),
     notified AS (SELECT pg_notify($2, $3) FROM marked)
     SELECT coalesce((SELECT deletion_requested_at FROM marked), target.deletion_requested_at) AS at,
            EXISTS (SELECT 1 FROM marked) AS marked,
            (SELECT count(*) FROM notified)::int AS notified
     FROM target`,
    id,
    CHANNEL,
    name,
  );
  const row = rows[0];
  return row
    ? { found: true, marked: row.marked, deletionRequestedAt: row.at }
    : { found: false, marked: false, deletionRequestedAt: null };
}

/** Thrown by normalizeCutoff for a timestamp PostgreSQL cannot read. */
export class InvalidCutoffError extends Error {
  override name = 'InvalidCutoffError';
}

/**
 * The cutoff as PostgreSQL reads it, in UTC with microseconds ('2026-01-01T08:00:00.123456Z').
 * Throws InvalidCutoffError when PostgreSQL cannot read it as a timestamptz.
 */
export async function normalizeCutoff(client: RawClient, cutoff: string): Promise<string> {
  try {
    const rows = await client.$queryRawUnsafe<Array<{ cutoff: string }>>(
      `SELECT to_char($1::text::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cutoff`,
      cutoff,
    );
    const value = rows[0]?.cutoff;
    if (value === undefined) throw new Error('no result');
    return value;
  } catch (error) {
    throw new InvalidCutoffError(
      `not a timestamp PostgreSQL can read: ${JSON.stringify(cutoff)} (${error instanceof Error ? error.message.split('\n').at(-1) : String(error)})`,
      { cause: error },
    );
  }
}

export interface MarkChunkResult {
  /** Candidate rows this chunk looked at (fewer than the limit: the last chunk). */
  scanned: number;
  /** Highest candidate id; the next chunk starts after it. */
  lastId: number;
  /** Ids this chunk marked, ascending. */
  ids: number[];
}

async function markChunk(
  client: RawClient,
  name: MarkableTable,
  filter: string,
  filterValue: unknown,
  afterId: number,
  limit: number,
): Promise<MarkChunkResult> {
  const t = table(name);
  const rows = await client.$queryRawUnsafe<
    Array<{ scanned: number; last_id: number | null; ids: number[] | null; notified: number }>
  >(
    `WITH candidates AS (
       SELECT id FROM ${t} WHERE id > $2::int AND deletion_requested_at IS NULL AND ${filter} ORDER BY id LIMIT $3::int
     ),
     marked AS (
       UPDATE ${t} r SET deletion_requested_at = now() FROM candidates c
       WHERE r.id = c.id AND r.deletion_requested_at IS NULL
       RETURNING r.id
     ),
     notified AS (SELECT pg_notify($4, $5) FROM (SELECT 1 FROM marked LIMIT 1) one)
     SELECT (SELECT count(*) FROM candidates)::int AS scanned,
            (SELECT max(id) FROM candidates) AS last_id,
            (SELECT array_agg(id ORDER BY id) FROM marked) AS ids,
            (SELECT count(*) FROM notified)::int AS notified`,
    filterValue,
    afterId,
    limit,
    CHANNEL,
    name,
  );
  const row = rows[0];
  return { scanned: row?.scanned ?? 0, lastId: row?.last_id ?? afterId, ids: row?.ids ?? [] };
}

/** One chunk of marking every unmarked row of `name` whose updated_at is before `cutoff` (exactly). */
export function markChunkUpdatedBefore(
  client: RawClient,
  name: MarkableTable,
  cutoff: string,
  afterId: number,
  limit: number,
): Promise<MarkChunkResult> {
  return markChunk(
    client,
    name,
    `updated_at < ($1::text::timestamptz AT TIME ZONE 'UTC')`,
    cutoff,
    afterId,
    limit,
  );
}

/** One chunk of marking the unmarked rows of `name` (posts or uploads) uploaded by `userId`. */
export function markUserContentChunk(
  client: RawClient,
  name: MarkableTable,
  userId: number,
  afterId: number,
  limit: number,
): Promise<MarkChunkResult> {
  return markChunk(client, name, 'uploader_id = $1::int', userId, afterId, limit);
}

/** What findMarked needs: node-postgres's Pool or PoolClient. */
export interface SqlReader {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface MarkedRow {
  model: 'Upload' | 'Post';
  id: number;
  requestedAt: Date;
  /** Uploads: the source file; posts: null. */
  sourceFile: string | null;
}

/**
 * Up to `limit` marked rows, oldest mark first (uploads before posts at the same time, then by
 * id), leaving out the ids in `exclude` (records whose deletion failed in this pass).
 */
export async function findMarked(
  reader: SqlReader,
  limit: number,
  exclude: { Upload: readonly number[]; Post: readonly number[] },
): Promise<MarkedRow[]> {
  const { rows } = await reader.query<{
    model: 'Upload' | 'Post';
    id: number;
    requested_at: Date;
    source_file: string | null;
  }>(
    `SELECT model, id, requested_at, source_file FROM (
       (SELECT 'Upload' AS model, 0 AS rank, id, deletion_requested_at AS at, source_file FROM uploads
        WHERE deletion_requested_at IS NOT NULL AND id <> ALL($2::int[])
        ORDER BY deletion_requested_at, id LIMIT $1)
       UNION ALL
       (SELECT 'Post', 1, id, deletion_requested_at, NULL FROM posts
        WHERE deletion_requested_at IS NOT NULL AND id <> ALL($3::int[])
        ORDER BY deletion_requested_at, id LIMIT $1)
     ) m(model, rank, id, at, source_file)
     CROSS JOIN LATERAL (SELECT m.at AT TIME ZONE 'UTC' AS requested_at) r
     ORDER BY m.at, m.rank, m.id LIMIT $1`,
    [limit, [...exclude.Upload], [...exclude.Post]],
  );
  return rows.map((r) => ({
    model: r.model,
    id: r.id,
    requestedAt: r.requested_at,
    sourceFile: r.source_file,
  }));
}

export interface MarkedCount {
  model: 'Upload' | 'Post';
  marked: number;
  /** The oldest mark, or null when none. */
  oldest: Date | null;
}

/** How many posts and uploads wait for the deleter, and since when. */
export async function countMarked(client: RawClient): Promise<MarkedCount[]> {
  return client.$queryRawUnsafe<MarkedCount[]>(
    `SELECT 'Upload' AS model, count(*)::int AS marked, min(deletion_requested_at) AS oldest FROM uploads WHERE deletion_requested_at IS NOT NULL
     UNION ALL
     SELECT 'Post', count(*)::int, min(deletion_requested_at) FROM posts WHERE deletion_requested_at IS NOT NULL`,
  );
}
