/**
 * The models the deleter deletes, their tables and their rows' deleteMany.
 *
 * Posts and uploads are deleted outright once marked (deletion_requested_at). Users are not in
 * this list: a marked user is an account deletion (app/services/users/user-deletion.ts keeps the
 * row); deleting a user's content marks the user's posts and uploads instead
 * (markUserContentForDeletion).
 *
 * Order within a batch: uploads before posts (neither references the other; uploads carry the
 * external files).
 *
 * Example: MODEL_TABLES.Post -> 'posts'; await ROW_DELETERS.Upload(dbPool(), [1, 2])
 */
import type { ConnectionPool, DeleteManyOptions, RecordIds } from '../../db/delete-many';
import { deleteManyPosts } from '../../db/post.repository';
import { deleteManyUploads } from '../../db/upload.repository';

export const DELETABLE_MODELS = ['Upload', 'Post'] as const;
export type DeletableModel = (typeof DELETABLE_MODELS)[number];

export const MODEL_TABLES: Record<DeletableModel, 'uploads' | 'posts'> = { Upload: 'uploads', Post: 'posts' };

export const ROW_DELETERS: Record<
  DeletableModel,
  (pool: ConnectionPool, ids: RecordIds, options?: DeleteManyOptions) => Promise<number>
> = { Upload: deleteManyUploads, Post: deleteManyPosts };

/** The model named `name` (case-insensitive: post, Post, posts), or undefined. */
export function deletableModel(name: string): DeletableModel | undefined {
  const wanted = name.toLowerCase();
  return DELETABLE_MODELS.find((m) => m.toLowerCase() === wanted || MODEL_TABLES[m] === wanted);
}

/** The channel marking NOTIFYs and the deleter LISTENs on. */
export const DELETION_CHANNEL = 'backlot_deletions';
