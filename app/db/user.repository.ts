/**
 * Users' batch primitives.
 *
 * Deleting a users row cascades to its favorites and bans; posts, uploads, tag aliases and
 * implications, BURs and mod actions keep their rows with the user set to null. (Deleting an
 * account from the app keeps the row: app/services/users/user-deletion.ts. This is for removing
 * rows outright: tests, data repair, pruning.)
 *
 * Example: await deleteManyUsers(dbPool(), ids)   // rows deleted; favorited posts' fav_count follow
 */
import { deleteManyWith, type ConnectionPool, type DeleteManyOptions, type RecordIds } from './delete-many';

/**
 * One chunk of deleteManyUsers ($1: the ids): the users' favorites go first, each post's fav_count
 * dropping by as many as it lost (without touching posts.updated_at), then the users (bans
 * cascade, other references become null). Its row count is the users deleted.
 */
export const DELETE_USERS_STATEMENT = `
  WITH removed AS (DELETE FROM favorites WHERE user_id = ANY($1::bigint[]) RETURNING post_id),
  counted AS (
    UPDATE posts p SET fav_count = GREATEST(p.fav_count - r.n, 0)
    FROM (SELECT post_id, count(*)::int AS n FROM removed GROUP BY post_id) r
    WHERE p.id = r.post_id
    RETURNING p.id
  )
  DELETE FROM users WHERE id = ANY($1::bigint[])`;

/**
 * The user repository's deleteMany: deletes users by id, one statement per chunk of ids on one
 * connection (app/db/delete-many.ts), keeping posts.fav_count right. Resolves the users deleted.
 */
export async function deleteManyUsers(
  pool: ConnectionPool,
  ids: RecordIds,
  options?: DeleteManyOptions,
): Promise<number> {
  return deleteManyWith(pool, DELETE_USERS_STATEMENT, ids, options);
}
