/**
 * Reading tags, aliases and implications by name, for the BUR script validator (and anything else
 * that needs the current state of a few tags), the by-name lookups every tag edit runs (BUR lines,
 * post edits, uploads: lookupTags, ensureTags, withImpliedTags, liveAliasTargets, countPostsWithAny),
 * plus the post-count recount.
 *
 * Role: the validator (app/services/bulk-update-request/script-validator.ts) reads the database
 * only through TagReadRepository, so it stays free of side effects and its callers decide which
 * client (or transaction) it reads from.
 *
 * Steps of a lookup: one query per call, names matched exactly (callers pass normalized names);
 * "live" aliases and implications are those with status active or processing: the only ones that
 * count for validation, and the only ones the partial unique indexes
 * tag_aliases_live_antecedent_key / tag_implications_live_pair_key constrain.
 *
 * Example:
 *   const tags = createTagRepository(prisma());
 *   await tags.findLiveAliases(['long_hair'])   // [{ antecedentName: 'long_hair', consequentName: 'very_long_hair' }]
 *   await recountTagPostCounts(prisma())         // fixes every tags.post_count from post_tags
 */
import type { AppPrismaClient } from './client';
import type { TagCategory, TagRelationshipStatus } from './generated/enums';

/** A client or a transaction that runs raw SQL with positional parameters. */
export type RawTagClient = Pick<AppPrismaClient, '$queryRawUnsafe'>;

/** Statuses of an alias or implication that is in force (or being put in force by a running BUR). */
export const LIVE_RELATIONSHIP_STATUSES = [
  'active',
  'processing',
] as const satisfies readonly TagRelationshipStatus[];

export interface TagSnapshot {
  name: string;
  category: TagCategory;
  postCount: number;
  isDeprecated: boolean;
}

/** An alias (antecedent -> consequent) or implication (antecedent => consequent), by tag name. */
export interface TagRelationshipSnapshot {
  antecedentName: string;
  consequentName: string;
}

/** What the BUR validator reads. Every method takes normalized tag names; order of results is unspecified. */
export interface TagReadRepository {
  /** The tags among `names` that exist. */
  findTags(names: readonly string[]): Promise<TagSnapshot[]>;
  /** Live aliases whose antecedent or consequent is among `names`. */
  findLiveAliases(names: readonly string[]): Promise<TagRelationshipSnapshot[]>;
  /** Live implications whose antecedent or consequent is among `names`. */
  findLiveImplications(names: readonly string[]): Promise<TagRelationshipSnapshot[]>;
  /** How many posts carry at least one of `names` (Danbooru's `~a ~b` count). */
  countPostsWithAny(names: readonly string[]): Promise<number>;
}

/** A TagReadRepository over `client` (the app's client, a test client, or a transaction client). */
export function createTagRepository(
  client: Pick<AppPrismaClient, 'tag' | 'tagAlias' | 'tagImplication' | '$queryRawUnsafe'>,
): TagReadRepository {
  const live = { in: [...LIVE_RELATIONSHIP_STATUSES] };
  const relationship = { antecedentName: true, consequentName: true } as const;
  return {
    async findTags(names) {
      if (names.length === 0) return [];
      return client.tag.findMany({
        where: { name: { in: [...names] } },
        select: { name: true, category: true, postCount: true, isDeprecated: true },
      });
    },
    async findLiveAliases(names) {
      if (names.length === 0) return [];
      return client.tagAlias.findMany({
        where: {
          status: live,
          OR: [{ antecedentName: { in: [...names] } }, { consequentName: { in: [...names] } }],
        },
        select: relationship,
      });
    },
    async findLiveImplications(names) {
      if (names.length === 0) return [];
      return client.tagImplication.findMany({
        where: {
          status: live,
          OR: [{ antecedentName: { in: [...names] } }, { consequentName: { in: [...names] } }],
        },
        select: relationship,
      });
    },
    countPostsWithAny: (names) => countPostsWithAny(client, names),
  };
}

/**
 * Sets tags.post_count to the number of post_tags rows of each tag (all tags, or those in
 * `tagIds`), rewriting only the rows whose count is wrong. Resolves how many rows it fixed.
 * One statement: a grouped count over the (tag_id, post_id) index.
 */
export async function recountTagPostCounts(
  client: Pick<AppPrismaClient, '$executeRaw'>,
  tagIds?: readonly number[],
): Promise<number> {
  const ids = tagIds ? [...tagIds] : null;
  return client.$executeRaw`
    UPDATE tags t
    SET post_count = COALESCE(c.n, 0), updated_at = now()
    FROM tags t2
    LEFT JOIN (
      SELECT tag_id, count(*)::int AS n FROM post_tags
      WHERE ${ids}::int[] IS NULL OR tag_id = ANY(${ids}::int[])
      GROUP BY tag_id
    ) c ON c.tag_id = t2.id
    WHERE t.id = t2.id
      AND (${ids}::int[] IS NULL OR t.id = ANY(${ids}::int[]))
      AND t.post_count IS DISTINCT FROM COALESCE(c.n, 0)`;
}

/** A tag row as the by-name lookups return it. */
export interface TagRow {
  id: number;
  name: string;
  category: TagCategory;
  postCount: number;
  isDeprecated: boolean;
}

/** The tags among `names` that exist, by name. One statement. */
export async function lookupTags(db: RawTagClient, names: readonly string[]): Promise<Map<string, TagRow>> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return new Map();
  const rows = await db.$queryRawUnsafe<
    Array<{ id: number; name: string; category: TagCategory; post_count: number; is_deprecated: boolean }>
  >(
    'SELECT id, name, category::text AS category, post_count, is_deprecated FROM tags WHERE name = ANY($1::text[])',
    unique,
  );
  return new Map(
    rows.map((row) => [
      row.name,
      {
        id: row.id,
        name: row.name,
        category: row.category,
        postCount: row.post_count,
        isDeprecated: row.is_deprecated,
      },
    ]),
  );
}

/**
 * Ids of the tags named, creating the missing ones (category `category`, post count 0). One
 * statement; the names must be normalized and valid.
 */
export async function ensureTags(
  db: RawTagClient,
  names: readonly string[],
  category: TagCategory = 'general',
): Promise<Map<string, number>> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return new Map();
  const rows = await db.$queryRawUnsafe<Array<{ id: number; name: string }>>(
    `WITH created AS (
       INSERT INTO tags (name, category, updated_at)
       SELECT unnest($1::text[]), $2::tag_category, now()
       ON CONFLICT (name) DO NOTHING
       RETURNING id, name
     )
     SELECT id, name FROM created
     UNION ALL
     SELECT id, name FROM tags WHERE name = ANY($1::text[])`,
    unique,
    category,
  );
  return new Map(rows.map((row) => [row.name, row.id]));
}

/**
 * `names` and every tag they imply through live implications, transitively (Danbooru adds implied
 * tags whenever it adds a tag). One recursive statement.
 */
export async function withImpliedTags(db: RawTagClient, names: readonly string[]): Promise<string[]> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  const rows = await db.$queryRawUnsafe<Array<{ name: string }>>(
    `WITH RECURSIVE closure(name) AS (
       SELECT unnest($1::text[])
       UNION
       SELECT i.consequent_name FROM tag_implications i JOIN closure c ON i.antecedent_name = c.name
       WHERE i.status IN ('active', 'processing')
     )
     SELECT name FROM closure`,
    unique,
  );
  return rows.map((row) => row.name);
}

/** Live alias targets of `names`: antecedent -> consequent (Danbooru's TagAlias.aliases_for). */
export async function liveAliasTargets(
  db: RawTagClient,
  names: readonly string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return new Map();
  const rows = await db.$queryRawUnsafe<Array<{ antecedent_name: string; consequent_name: string }>>(
    `SELECT antecedent_name, consequent_name FROM tag_aliases
     WHERE antecedent_name = ANY($1::text[]) AND status IN ('active', 'processing')`,
    unique,
  );
  return new Map(rows.map((row) => [row.antecedent_name, row.consequent_name]));
}

/** How many posts carry at least one of the tags named (Danbooru's `~a ~b` count). One statement. */
export async function countPostsWithAny(db: RawTagClient, names: readonly string[]): Promise<number> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return 0;
  const rows = await db.$queryRawUnsafe<Array<{ n: number }>>(
    `SELECT count(DISTINCT pt.post_id)::int AS n FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
     WHERE t.name = ANY($1::text[])`,
    unique,
  );
  return rows[0]?.n ?? 0;
}
