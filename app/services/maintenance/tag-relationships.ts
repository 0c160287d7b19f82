/**
 * RetireTagRelationshipsJob's work (weekly), Danbooru's TagRelationshipRetirementService:
 *
 * Rules: an alias or implication is retired (status `retired`) when
 *   1. it is `active` (pending, processing, deleted and retired ones are left alone),
 *   2. it was created more than 2 years ago, and
 *   3. its consequent tag has no post created in the last 2 years (no post_tags row of the tag
 *      on a post whose created_at is within 2 years; a consequent tag that does not exist counts
 *      as unused).
 * Posts carry no date of when a tag was added, so "recent use" is judged by post creation, as in
 * Danbooru. Each retirement records a `tag_alias_retire` / `tag_implication_retire` mod action by
 * the system (creator null). A retired relationship no longer counts as live (it stops blocking
 * a new alias or implication of the same tags, and BUR validation ignores it).
 *
 * Steps: the candidates (rules 1 and 2) in id order, a chunk per statement; the statement keeps
 * those passing rule 3, updates them (re-checking status), logs them, and returns the last id
 * scanned for the next chunk.
 *
 * Example: await retireTagRelationships(prisma(), { now: new Date() })  // { aliases: 1, implications: 0 }
 */
import { Prisma } from '../../db/generated/client';
import type { AppPrismaClient } from '../../db/client';
import type { ChunkOptions } from './chunks';

/** Age and idleness after which a relationship retires. @defaultValue 2 years */
export const RETIREMENT_YEARS = 2;
/** @defaultValue 500 relationships per statement */
export const RETIREMENT_CHUNK_SIZE = 500;

const KINDS = {
  alias: { table: 'tag_aliases', category: 'tag_alias_retire', label: 'tag alias', subject: 'TagAlias' },
  implication: {
    table: 'tag_implications',
    category: 'tag_implication_retire',
    label: 'tag implication',
    subject: 'TagImplication',
  },
} as const;

export type RelationshipKind = keyof typeof KINDS;

/** `now` moved back by whole calendar years (UTC). */
export function yearsBefore(now: Date, years: number): Date {
  const date = new Date(now);
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date;
}

export interface RetirementChunk {
  /** Highest candidate id in the chunk; null when no candidate is left after `afterId`. */
  lastId: number | null;
  scanned: number;
  retired: number;
}

export async function retireRelationshipsChunk(
  client: Pick<AppPrismaClient, '$queryRaw'>,
  kind: RelationshipKind,
  now: Date,
  afterId: number,
  limit = RETIREMENT_CHUNK_SIZE,
): Promise<RetirementChunk> {
  const { table, category, label, subject } = KINDS[kind];
  const t = Prisma.raw(table);
  const cutoff = yearsBefore(now, RETIREMENT_YEARS);
  const rows = await client.$queryRaw<RetirementChunk[]>`
    WITH candidates AS (
      SELECT id, consequent_name FROM ${t}
      WHERE status = 'active' AND created_at < ${cutoff} AND id > ${afterId}
      ORDER BY id LIMIT ${limit}
    ),
    unused AS (
      SELECT c.id FROM candidates c
      WHERE NOT EXISTS (
        SELECT 1 FROM tags tg
        JOIN post_tags pt ON pt.tag_id = tg.id
        JOIN posts p ON p.id = pt.post_id
        WHERE tg.name = c.consequent_name AND p.created_at >= ${cutoff}
      )
    ),
    retired AS (
      UPDATE ${t} r SET status = 'retired', updated_at = ${now}
      FROM unused u WHERE r.id = u.id AND r.status = 'active'
      RETURNING r.id, r.antecedent_name, r.consequent_name
    ),
    logged AS (
      INSERT INTO mod_actions (creator_id, category, description, subject_type, subject_id)
      SELECT NULL, ${category}::mod_action_category,
        'retired ' || ${label}::text || ' [[' || antecedent_name || ']] -> [[' || consequent_name || ']]: no new post of [[' ||
          consequent_name || ']] in ' || ${RETIREMENT_YEARS}::int || ' years',
        ${subject}::text, id
      FROM retired
      RETURNING id
    )
    SELECT (SELECT max(id) FROM candidates) AS "lastId",
      (SELECT count(*)::int FROM candidates) AS scanned,
      (SELECT count(*)::int FROM retired) AS retired`;
  return rows[0] ?? { lastId: null, scanned: 0, retired: 0 };
}

export interface RetirementResult {
  aliases: number;
  implications: number;
}

export async function retireTagRelationships(
  client: Pick<AppPrismaClient, '$queryRaw'>,
  options: Omit<ChunkOptions, 'onProgress'> & {
    now?: Date;
    onProgress?: (result: RetirementResult) => void | Promise<void>;
  } = {},
): Promise<RetirementResult> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? RETIREMENT_CHUNK_SIZE;
  const result: RetirementResult = { aliases: 0, implications: 0 };
  for (const kind of ['alias', 'implication'] as const) {
    let after = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const chunk = await retireRelationshipsChunk(client, kind, now, after, batchSize);
      if (chunk.lastId === null) break;
      result[kind === 'alias' ? 'aliases' : 'implications'] += chunk.retired;
      after = chunk.lastId;
      await options.onProgress?.({ ...result });
      if (chunk.scanned < batchSize) break;
    }
  }
  return result;
}
