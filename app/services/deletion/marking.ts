/**
 * Marking records for deletion: what the app does when a post, an upload or a user's content is
 * deleted. A mark (deletion_requested_at = now()) is one small UPDATE, so the request returns at
 * once whatever the size of what goes; the deleter (deleter.ts) removes files and rows later, and
 * pages show a marked record as being deleted.
 *
 * Steps of each marking: UPDATE the rows still unmarked (app/db/deletion.repository.ts, which also
 * NOTIFYs the deleter), then announce each newly marked record on the event bus
 * (record.deletion_requested). Marking twice is harmless: the first mark's time stays.
 *
 * - markPostForDeletion / markUploadForDeletion: one record; RecordNotFoundError when it does not
 *   exist.
 * - markUserContentForDeletion: the posts and uploads the user uploaded (not the account: deleting
 *   the account is app/services/users/user-deletion.ts). The first USER_CONTENT_INLINE_LIMIT of
 *   each are marked before it returns; when there are more, MarkUserContentForDeletionJob marks the
 *   rest in chunks (unique per user). The marks and that job are one transaction (the job outbox),
 *   announced after the commit; markUserContentInTransaction is the same inside a caller's
 *   transaction (deleting an account with its content).
 * - markUpdatedBefore: every post (or upload) whose updated_at is before a timestamp, compared
 *   exactly (microseconds; an ISO 8601 string with a zone, never a JS Date, which holds
 *   milliseconds only), in chunks of MARK_CHUNK_SIZE. `bin/jobs mark-deleted` calls it.
 *
 * Example:
 *   await markPostForDeletion(prisma(), 12, { requestedBy: moderator.id })
 *   await markUserContentForDeletion(prisma(), user.id, { requestedBy: moderator.id })
 *   await markUpdatedBefore(prisma(), { model: 'Post', before: '2026-01-01T00:00:00.123456Z' })
 */
import type { AppPrismaClient } from '../../db/client';
import {
  InvalidCutoffError,
  markChunkUpdatedBefore,
  markOne,
  markUserContentChunk,
  normalizeCutoff,
  type MarkableTable,
} from '../../db/deletion.repository';
import { transaction } from '../../framework/index';
import { MarkUserContentForDeletionJob } from '../../../jobs/mark-user-content-for-deletion.job';
import { announceDeletionRequested } from './announce';
import { MARK_CHUNK_SIZE, markAll, type MarkManyResult, type MarkOptions } from './mark-chunks';
import { MODEL_TABLES, type DeletableModel } from './models';
import { isRecordId } from '../../db/record-id';

type Db = Pick<AppPrismaClient, '$queryRawUnsafe'>;

/** Posts (and uploads) of a user marked before markUserContentForDeletion returns. @defaultValue 1000 */
export const USER_CONTENT_INLINE_LIMIT = 1_000;

/** The inline marks' transaction may take this long (two chunks of up to 1,000 rows). @defaultValue 30 s */
export const MARK_TRANSACTION_TIMEOUT_MS = 30_000;

export { InvalidCutoffError, MARK_CHUNK_SIZE };
export type { MarkManyResult, MarkOptions };

/** The record to mark does not exist. */
export class RecordNotFoundError extends Error {
  override name = 'RecordNotFoundError';
}

export interface MarkResult {
  model: DeletableModel;
  id: number;
  /** false: it was marked already. */
  marked: boolean;
  deletionRequestedAt: Date;
}

async function markRecord(
  db: Db,
  model: DeletableModel,
  id: number,
  options: MarkOptions,
): Promise<MarkResult> {
  const result = isRecordId(id) ? await markOne(db, MODEL_TABLES[model], id) : undefined;
  if (!result?.found || !result.deletionRequestedAt)
    throw new RecordNotFoundError(`no ${model.toLowerCase()} ${id}`);
  if (result.marked) await announceDeletionRequested(model, [id], options);
  return { model, id, marked: result.marked, deletionRequestedAt: result.deletionRequestedAt };
}

/** Marks post `id` for deletion; the deleter removes its files and row (tags, favorites) later. */
export function markPostForDeletion(db: Db, id: number, options: MarkOptions = {}): Promise<MarkResult> {
  return markRecord(db, 'Post', id, options);
}

/** Marks upload `id` for deletion; the deleter removes its source file, derived files and row later. */
export function markUploadForDeletion(db: Db, id: number, options: MarkOptions = {}): Promise<MarkResult> {
  return markRecord(db, 'Upload', id, options);
}

export interface MarkUserContentResult extends MarkManyResult {
  userId: number;
  /** false: more remain; `jobId` is the job marking them. */
  complete: boolean;
  jobId?: string;
}

/** What marking a user's content inside a transaction needs of the transaction client. */
export type UserContentTx = Db & Pick<AppPrismaClient, 'user'>;

/** markUserContentInTransaction's outcome: the result, and what to announce once committed. */
export interface StagedUserContentMarks {
  result: MarkUserContentResult;
  /** Announce these after the commit (announceUserContentMarks), never before. */
  ids: Record<DeletableModel, number[]>;
}

/**
 * The marking of markUserContentForDeletion inside the caller's transaction `tx`: one chunk of
 * up to `inlineLimit` uploads and one of posts, and, when more remain, the follow-up
 * MarkUserContentForDeletionJob staged in the same transaction (the job outbox), so the marks
 * and the job that finishes them commit together or not at all. Announces nothing: the caller
 * announces `ids` after its commit. RecordNotFoundError: no such user.
 */
export async function markUserContentInTransaction(
  tx: UserContentTx,
  userId: number,
  options: MarkOptions & { inlineLimit?: number } = {},
): Promise<StagedUserContentMarks> {
  const user = isRecordId(userId)
    ? await tx.user.findUnique({ where: { id: userId }, select: { id: true } })
    : null;
  if (!user) throw new RecordNotFoundError(`no user ${userId}`);
  const limit = options.inlineLimit ?? USER_CONTENT_INLINE_LIMIT;
  const uploads = await markUserContentChunk(tx, 'uploads', userId, 0, limit);
  const posts = await markUserContentChunk(tx, 'posts', userId, 0, limit);
  const result: MarkUserContentResult = {
    userId,
    marked: { Upload: uploads.ids.length, Post: posts.ids.length },
    complete: uploads.scanned < limit && posts.scanned < limit,
  };
  if (!result.complete) {
    const job = await MarkUserContentForDeletionJob.inTransaction(tx).performLater(
      userId,
      options.requestedBy ?? null,
    );
    result.jobId = job.jobId;
  }
  return { result, ids: { Upload: uploads.ids, Post: posts.ids } };
}

/** Announces the records markUserContentInTransaction marked (after its transaction committed). */
export async function announceUserContentMarks(
  staged: StagedUserContentMarks,
  options: MarkOptions = {},
): Promise<void> {
  await announceDeletionRequested('Upload', staged.ids.Upload, options);
  await announceDeletionRequested('Post', staged.ids.Post, options);
}

/**
 * Marks the posts and uploads user `userId` uploaded: up to `inlineLimit` of each at once, the
 * rest (if any) through MarkUserContentForDeletionJob, staged in the marks' own transaction
 * (markUserContentInTransaction), then announces what it marked. RecordNotFoundError: no such user.
 */
export async function markUserContentForDeletion(
  db: Pick<AppPrismaClient, '$transaction'>,
  userId: number,
  options: MarkOptions & { inlineLimit?: number } = {},
): Promise<MarkUserContentResult> {
  const staged = await transaction(db, (tx) => markUserContentInTransaction(tx, userId, options), {
    timeout: MARK_TRANSACTION_TIMEOUT_MS,
  });
  await announceUserContentMarks(staged, options);
  return staged.result;
}

export interface MarkUpdatedBeforeInput extends MarkOptions {
  model: DeletableModel;
  /**
   * ISO 8601 with a zone and up to 6 fractional digits: '2026-01-01T00:00:00.123456Z'. A Date is
   * accepted and read to the millisecond.
   */
  before: string | Date;
  /** @defaultValue MARK_CHUNK_SIZE (10,000) */
  chunkSize?: number;
  onChunk?(markedSoFar: number): void;
}

export interface MarkUpdatedBeforeResult {
  model: DeletableModel;
  /** The cutoff as compared, in UTC with microseconds. */
  before: string;
  marked: number;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

/**
 * Marks every `model` record whose updated_at is strictly before `before`, compared at
 * microsecond precision in PostgreSQL. InvalidCutoffError for a malformed timestamp (no zone, more
 * than 6 fractional digits, or one PostgreSQL refuses).
 */
export async function markUpdatedBefore(
  db: Db,
  input: MarkUpdatedBeforeInput,
): Promise<MarkUpdatedBeforeResult> {
  const raw = input.before instanceof Date ? input.before.toISOString() : input.before.trim();
  if (!ISO_WITH_ZONE.test(raw))
    throw new InvalidCutoffError(
      `not an ISO 8601 timestamp with a zone and at most 6 fractional digits: ${JSON.stringify(raw)} (e.g. 2026-01-01T00:00:00.123456Z)`,
    );
  const before = await normalizeCutoff(db, raw);
  const chunk = (table: MarkableTable, afterId: number, size: number) =>
    markChunkUpdatedBefore(db, table, before, afterId, size);
  const { marked } = await markAll(input.model, chunk, input.chunkSize ?? MARK_CHUNK_SIZE, {
    requestedBy: input.requestedBy,
    onChunk: (markedSoFar) => input.onChunk?.(markedSoFar),
  });
  return { model: input.model, before, marked };
}
