/**
 * What a record id can be: the tables' ids are PostgreSQL `integer` (serial), 1 to 2^31-1. A
 * number outside that range names no record, and handing it to Prisma or PostgreSQL fails there
 * (out of range for type integer) rather than finding nothing, so callers check first.
 *
 * Example: const post = isRecordId(id) ? await db.post.findUnique({ where: { id } }) : null;
 */

/** The largest id an `integer` column holds. @defaultValue 2147483647 */
export const MAX_RECORD_ID = 2_147_483_647;

export function isRecordId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= MAX_RECORD_ID;
}
