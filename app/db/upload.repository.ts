/**
 * Uploads' batch primitives. (Recording and processing uploads is app/services/uploads/.)
 *
 * Example: await deleteManyUploads(dbPool(), ids)   // rows deleted; nothing references uploads
 */
import { deleteMany, type ConnectionPool, type DeleteManyOptions, type RecordIds } from './delete-many';

/**
 * The upload repository's deleteMany: deletes uploads by id, one statement per chunk of ids on one
 * connection (app/db/delete-many.ts). Only rows: the files are the deleter's
 * (app/services/deletion/). Resolves the rows deleted.
 */
export async function deleteManyUploads(
  pool: ConnectionPool,
  ids: RecordIds,
  options?: DeleteManyOptions,
): Promise<number> {
  return deleteMany(pool, 'uploads', ids, options);
}
