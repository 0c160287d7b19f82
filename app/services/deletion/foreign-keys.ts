/**
 * The deleter's start-up check that PostgreSQL enforces the foreign keys its deletions rely on,
 * instead of an integrity check per deletion: the deleter deletes a post row and trusts the
 * database to take its post_tags and favorites along.
 *
 * PostgreSQL enforces a foreign key through internal triggers, so a key stops being enforced when:
 *   - session_replication_role is not 'origin' ('replica' skips those triggers; a role or database
 *     default can set it for every session), or
 *   - the key's triggers are disabled (ALTER TABLE ... DISABLE TRIGGER ALL), or
 *   - the key is NOT VALID (added without checking existing rows: they may already dangle), or
 *   - the key is missing, or its ON DELETE action is not the one the deleter relies on.
 *
 * Steps of checkForeignKeys(session): read session_replication_role, then every foreign key in the
 * current schema that references posts or uploads, with convalidated, its ON DELETE action and its
 * triggers' enabled state; resolves the list of problems (empty: enforced). assertForeignKeys
 * throws ForeignKeysNotEnforcedError listing every problem and what to do about it.
 *
 * Example: await assertForeignKeys(dbPool())   // at deleter start-up
 */
import type { SqlReader } from '../../db/deletion.repository';

/** Foreign keys the deleter relies on: deleting the parent row takes these child rows along. */
export const REQUIRED_CASCADES: readonly { table: string; column: string; references: string }[] = [
  { table: 'post_tags', column: 'post_id', references: 'posts' },
  { table: 'favorites', column: 'post_id', references: 'posts' },
];

/** Tables the deleter deletes from: every foreign key referencing them must be enforced. */
const DELETED_TABLES = ['posts', 'uploads'];

export class ForeignKeysNotEnforcedError extends Error {
  override name = 'ForeignKeysNotEnforcedError';
  constructor(readonly problems: readonly string[]) {
    super(
      `The deleter refuses to run: PostgreSQL does not enforce the foreign keys it relies on, so deleting rows could leave ` +
        `orphans behind. ${problems.join('; ')}.`,
    );
  }
}

interface KeyRow {
  name: string;
  table: string;
  columns: string[];
  references: string;
  on_delete: string;
  validated: boolean;
  disabled_triggers: number;
}

const ON_DELETE: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/** Every reason foreign keys are not enforced for the deleter's tables; [] when they are. */
export async function checkForeignKeys(session: SqlReader): Promise<string[]> {
  const problems: string[] = [];
  const role = (
    await session.query<{ role: string }>(`SELECT current_setting('session_replication_role') AS role`)
  ).rows[0]?.role;
  if (role !== 'origin') {
    problems.push(
      `session_replication_role is '${role ?? '?'}', not 'origin', so foreign-key triggers do not fire ` +
        `(reset it: ALTER ROLE/DATABASE ... RESET session_replication_role, or unset it in postgresql.conf)`,
    );
  }
  const { rows } = await session.query<KeyRow>(
    `SELECT c.conname AS name, t.relname AS table, r.relname AS references,
            array(SELECT a.attname::text FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k) AS columns,
            c.confdeltype::text AS on_delete, c.convalidated AS validated,
            (SELECT count(*) FROM pg_trigger g WHERE g.tgconstraint = c.oid AND g.tgenabled NOT IN ('O', 'A'))::int AS disabled_triggers
     FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid
     JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = r.relnamespace
     WHERE c.contype = 'f' AND n.nspname = current_schema() AND r.relname = ANY($1::text[])
     ORDER BY c.conname`,
    [DELETED_TABLES],
  );
  for (const key of rows) {
    if (!key.validated)
      problems.push(
        `foreign key ${key.name} (${key.table} -> ${key.references}) is NOT VALID (run ALTER TABLE ${key.table} VALIDATE CONSTRAINT ${key.name})`,
      );
    if (key.disabled_triggers > 0)
      problems.push(
        `the triggers of foreign key ${key.name} on ${key.table} are disabled (run ALTER TABLE ${key.table} ENABLE TRIGGER ALL)`,
      );
  }
  for (const wanted of REQUIRED_CASCADES) {
    const key = rows.find(
      (k) =>
        k.table === wanted.table &&
        k.references === wanted.references &&
        k.columns.length === 1 &&
        k.columns[0] === wanted.column,
    );
    const label = `${wanted.table}.${wanted.column} -> ${wanted.references}`;
    if (!key) problems.push(`foreign key ${label} is missing (apply the migrations: npm run db:migrate)`);
    else if (key.on_delete !== 'c')
      problems.push(
        `foreign key ${key.name} (${label}) is ON DELETE ${ON_DELETE[key.on_delete] ?? key.on_delete}, not CASCADE`,
      );
  }
  return problems;
}

/** Throws ForeignKeysNotEnforcedError unless every foreign key the deleter relies on is enforced. */
export async function assertForeignKeys(session: SqlReader): Promise<void> {
  const problems = await checkForeignKeys(session);
  if (problems.length > 0) throw new ForeignKeysNotEnforcedError(problems);
}
