/**
 * Fast, safe deletion: marking (returns at once, whatever the size), a deleter on the worker side
 * that removes files then rows in batches, and the batch delete primitive underneath
 * (app/db/delete-many.ts). docs/architecture/deletion.md has the whole picture.
 *
 * Example:
 *   // web: a moderator deletes a post
 *   await markPostForDeletion(prisma(), 12, { requestedBy: moderator.id });
 *   // worker process (bin/worker)
 *   const deleter = await startDeleter(); ...; await deleter.stop();
 *   // shell: bin/jobs mark-deleted --model Post --updated-before 2026-01-01T00:00:00.123456Z
 */
export {
  markPostForDeletion,
  markUploadForDeletion,
  markUserContentForDeletion,
  markUserContentInTransaction,
  announceUserContentMarks,
  markUpdatedBefore,
  RecordNotFoundError,
  InvalidCutoffError,
  USER_CONTENT_INLINE_LIMIT,
  MARK_TRANSACTION_TIMEOUT_MS,
  MARK_CHUNK_SIZE,
} from './marking';
export type {
  MarkOptions,
  MarkResult,
  MarkUserContentResult,
  StagedUserContentMarks,
  UserContentTx,
  MarkUpdatedBeforeInput,
  MarkUpdatedBeforeResult,
} from './marking';
export { markAllUserContent } from './mark-chunks';
export { startDeleter } from './deleter';
export type { Deleter, DeleterStatus } from './deleter';
export { DELETER_BATCH_SIZE, DELETER_FOLLOW_UP_MS, DELETER_CHECK_INTERVAL_MS } from './deleter-options';
export type { DeleterOptions } from './deleter-options';
export { deleteBatch } from './batch';
export type { BatchOutcome, FailedRecord } from './batch';
export { checkForeignKeys, assertForeignKeys, ForeignKeysNotEnforcedError } from './foreign-keys';
export { DeletionStorage, StorageError } from './storage';
export { DELETABLE_MODELS, deletableModel, type DeletableModel } from './models';
