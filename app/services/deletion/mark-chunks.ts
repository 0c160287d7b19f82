/**
 * Marking many records in chunks, announcing each chunk's records (shared by marking.ts and
 * MarkUserContentForDeletionJob, which marking.ts enqueues: this module imports no job).
 *
 * Steps of markAll(model, chunk, limit): call chunk(table, afterId, limit) from afterId 0, announce
 * the ids it marked, continue after its lastId until a chunk scans fewer than `limit` rows (done)
 * or `maxChunks` chunks ran (complete: false).
 *
 * Example: await markAllUserContent(prisma(), 7, { chunkSize: 10_000 })   // { marked: { Upload: 3, Post: 120000 } }
 */
import type { AppPrismaClient } from '../../db/client';
import { markUserContentChunk, type MarkableTable } from '../../db/deletion.repository';
import { announceDeletionRequested } from './announce';
import { MODEL_TABLES, type DeletableModel } from './models';

type Db = Pick<AppPrismaClient, '$queryRawUnsafe'>;

/** Rows one mass-marking statement marks at most. @defaultValue 10000 */
export const MARK_CHUNK_SIZE = 10_000;

export interface MarkOptions {
  /** Who asked (a user id), for the event. */
  requestedBy?: number | undefined;
}

export interface MarkManyResult {
  /** Records newly marked, per model. */
  marked: Record<DeletableModel, number>;
}

export async function markAll(
  model: DeletableModel,
  chunk: (
    table: MarkableTable,
    afterId: number,
    limit: number,
  ) => Promise<{ scanned: number; lastId: number; ids: number[] }>,
  limit: number,
  options: MarkOptions & {
    jobId?: string;
    maxChunks?: number;
    onChunk?: (markedSoFar: number) => void | Promise<void>;
  },
): Promise<{ marked: number; complete: boolean }> {
  let afterId = 0;
  let marked = 0;
  for (let n = 0; n < (options.maxChunks ?? Number.POSITIVE_INFINITY); n += 1) {
    const result = await chunk(MODEL_TABLES[model], afterId, limit);
    marked += result.ids.length;
    await announceDeletionRequested(model, result.ids, options);
    await options.onChunk?.(marked);
    if (result.scanned < limit) return { marked, complete: true };
    afterId = result.lastId;
  }
  return { marked, complete: false };
}

/**
 * Marks every post and upload of user `userId` still unmarked, in chunks of `chunkSize`
 * (MarkUserContentForDeletionJob's work). `onChunk` runs after each chunk (a job's touch()).
 */
export async function markAllUserContent(
  db: Db,
  userId: number,
  options: MarkOptions & {
    jobId?: string;
    chunkSize?: number;
    onChunk?: (markedSoFar: number) => void | Promise<void>;
  } = {},
): Promise<MarkManyResult> {
  const chunk = (table: MarkableTable, afterId: number, size: number) =>
    markUserContentChunk(db, table, userId, afterId, size);
  const size = options.chunkSize ?? MARK_CHUNK_SIZE;
  const uploads = await markAll('Upload', chunk, size, options);
  const posts = await markAll('Post', chunk, size, options);
  return { marked: { Upload: uploads.marked, Post: posts.marked } };
}
