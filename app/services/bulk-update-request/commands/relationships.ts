/**
 * Aliases and implications as BUR processing changes them, by tag name. "Live" = active or
 * processing (app/db/tag.repository.ts); a relationship a line takes out of force becomes
 * `deleted` (Danbooru's rejected/deleted), never removed, so the history stays.
 *
 * moveRelationships(from, to) is Danbooru's TagMover for relationships, as ScriptState.moveTag
 * models it for validation: live aliases pointing at `from` point at `to` (an alias to -> from
 * would become to -> to and is deleted instead); live implications from and to `from` are moved to
 * `to`, and those that would imply a tag itself or duplicate a live implication of `to` are
 * deleted. Each statement is idempotent: once moved, nothing matches `from` any more.
 *
 * Example:
 *   const alias = await startRelationship(db, 'alias', 'a', 'b', ctx);   // status processing
 *   await moveRelationships(db, 'a', 'b');
 *   await activateRelationship(tx, 'alias', alias.id);
 */
import { BurCommandError, type Db } from './context';

type Raw = Pick<Db, '$queryRawUnsafe' | '$executeRawUnsafe'>;

export type RelationshipKind = 'alias' | 'implication';

const TABLE: Record<RelationshipKind, string> = { alias: 'tag_aliases', implication: 'tag_implications' };
const LIVE = `status IN ('active', 'processing')`;

/**
 * The live relationship antecedent -> consequent, created with status `processing` when there is
 * none (a resumed line finds the one its first attempt created). A live alias of the antecedent to
 * another tag is an error (the database changed since validation).
 */
export async function startRelationship(
  db: Raw,
  kind: RelationshipKind,
  antecedent: string,
  consequent: string,
  people: { creatorId: number | null; approverId: number | null },
): Promise<{ id: number; status: string }> {
  const table = TABLE[kind];
  const existing = await db.$queryRawUnsafe<Array<{ id: number; consequent_name: string; status: string }>>(
    `SELECT id, consequent_name, status::text AS status FROM ${table}
     WHERE antecedent_name = $1 AND ${LIVE} ${kind === 'implication' ? 'AND consequent_name = $2' : ''}
     ORDER BY id LIMIT 1`,
    antecedent,
    ...(kind === 'implication' ? [consequent] : []),
  );
  const found = existing[0];
  if (found && found.consequent_name === consequent) return { id: found.id, status: found.status };
  if (found) throw new BurCommandError(`'${antecedent}' is already aliased to '${found.consequent_name}'`);
  const created = await db.$queryRawUnsafe<Array<{ id: number }>>(
    `INSERT INTO ${table} (antecedent_name, consequent_name, status, creator_id, approver_id, updated_at)
     VALUES ($1, $2, 'processing', $3, $4, now()) RETURNING id`,
    antecedent,
    consequent,
    people.creatorId,
    people.approverId,
  );
  return { id: created[0]?.id ?? 0, status: 'processing' };
}

/** Puts a relationship a line started into force. */
export async function activateRelationship(db: Raw, kind: RelationshipKind, id: number): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE ${TABLE[kind]} SET status = 'active', updated_at = now() WHERE id = $1`,
    id,
  );
}

/**
 * Takes the live relationship antecedent -> consequent out of force (status deleted). Resolves
 * false when there was none (removed since validation): as in Danbooru (`existing_alias&.reject!`),
 * the line then has nothing to do and is not an error.
 */
export async function deleteRelationship(
  db: Raw,
  kind: RelationshipKind,
  antecedent: string,
  consequent: string,
): Promise<boolean> {
  const count = await db.$executeRawUnsafe(
    `UPDATE ${TABLE[kind]} SET status = 'deleted', updated_at = now()
     WHERE antecedent_name = $1 AND consequent_name = $2 AND ${LIVE}`,
    antecedent,
    consequent,
  );
  return count > 0;
}

/**
 * What deprecating `tag` does to its relationships (Danbooru's Deprecate#process!): live aliases
 * to it and live implications from or to it become `deleted`. Aliases from it stay.
 */
export async function deleteRelationshipsOfDeprecated(db: Raw, tag: string): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE tag_aliases SET status = 'deleted', updated_at = now() WHERE consequent_name = $1 AND ${LIVE}`,
    tag,
  );
  await deleteImplicationsOf(db, tag);
}

/** Deletes every live implication from or to `tag` (nuke). Resolves how many. */
export async function deleteImplicationsOf(db: Raw, tag: string): Promise<number> {
  return db.$executeRawUnsafe(
    `UPDATE tag_implications SET status = 'deleted', updated_at = now()
     WHERE (antecedent_name = $1 OR consequent_name = $1) AND ${LIVE}`,
    tag,
  );
}

/**
 * Moves the live aliases and implications of `from` to `to` (see the file comment). Five
 * statements; run them in one transaction so no reader sees half a move.
 */
export async function moveRelationships(db: Raw, from: string, to: string): Promise<void> {
  // Aliases x -> from become x -> to; to -> from would become to -> to: deleted.
  await db.$executeRawUnsafe(
    `UPDATE tag_aliases SET status = 'deleted', updated_at = now()
     WHERE consequent_name = $1 AND antecedent_name = $2 AND ${LIVE}`,
    from,
    to,
  );
  await db.$executeRawUnsafe(
    `UPDATE tag_aliases SET consequent_name = $2, updated_at = now() WHERE consequent_name = $1 AND ${LIVE}`,
    from,
    to,
  );
  // Implications from -> x become to -> x, unless x = to or to -> x is live already.
  await db.$executeRawUnsafe(
    `UPDATE tag_implications i SET status = 'deleted', updated_at = now()
     WHERE i.${LIVE} AND (
       (i.antecedent_name = $1 AND (i.consequent_name = $2 OR EXISTS (
         SELECT 1 FROM tag_implications j WHERE j.${LIVE} AND j.antecedent_name = $2 AND j.consequent_name = i.consequent_name)))
       OR
       (i.consequent_name = $1 AND (i.antecedent_name = $2 OR EXISTS (
         SELECT 1 FROM tag_implications j WHERE j.${LIVE} AND j.consequent_name = $2 AND j.antecedent_name = i.antecedent_name))))`,
    from,
    to,
  );
  await db.$executeRawUnsafe(
    `UPDATE tag_implications SET antecedent_name = $2, updated_at = now() WHERE antecedent_name = $1 AND ${LIVE}`,
    from,
    to,
  );
  await db.$executeRawUnsafe(
    `UPDATE tag_implications SET consequent_name = $2, updated_at = now() WHERE consequent_name = $1 AND ${LIVE}`,
    from,
    to,
  );
}
