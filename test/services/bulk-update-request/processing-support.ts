/**
 * Fixtures for the BUR approval, processing and job tests, on the real test database: users of
 * each level, posts with tags in bulk (SQL, not one insert per post), a request run through
 * createBur + approveBur + processBulkUpdateRequest, and checks on tags and counts.
 *
 * Example:
 *   const fx = useBurFixtures({ checkPostCounts: true }); // the hooks every BUR spec file needs
 *   const users = await createUsers(db);
 *   await createPostsWithTags(db, [['a', 'b'], ['a']]);
 *   const { bur } = await runScript(db, users, 'alias a -> c');
 *   expect(await wrongPostCounts(db)).toEqual([]);
 */
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import type { AppPrismaClient } from '../../../app/db/client';
import { recountTagPostCounts } from '../../../app/db/tag.repository';
import { TestAdapter, configureBacklot } from '../../../app/framework/index';
import { approveBur, createBur, type BurActor } from '../../../app/services/bulk-update-request/approval';
import {
  processBulkUpdateRequest,
  type BurProgress,
  type ProcessOptions,
} from '../../../app/services/bulk-update-request/processing';
import { QUEUE_NAMES } from '../../../config/queues';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';

export interface Users {
  member: BurActor;
  builder: BurActor;
  moderator: BurActor;
  admin: BurActor;
}

export async function createUsers(db: AppPrismaClient): Promise<Users> {
  const make = async (level: BurActor['level']) => {
    const user = await db.user.create({
      data: { name: `${level}_${Math.random().toString(36).slice(2, 8)}`, level },
    });
    return { id: user.id, level: user.level };
  };
  return {
    member: await make('member'),
    builder: await make('builder'),
    moderator: await make('moderator'),
    admin: await make('admin'),
  };
}

export interface BurFixtures {
  readonly db: AppPrismaClient;
  /** One user of each level, made afresh before each spec. */
  readonly users: Users;
  /** The TestAdapter installed before each spec (approveBur enqueues into it). */
  readonly queue: TestAdapter;
}

/**
 * Registers the hooks of a BUR spec file: before each spec an emptied database, a TestAdapter and
 * one user of each level; with checkPostCounts, after each spec no tag's post count differs from
 * a recount; after the file, the Prisma client is disconnected.
 */
export function useBurFixtures({ checkPostCounts = false }: { checkPostCounts?: boolean } = {}): BurFixtures {
  const db = testPrisma();
  let users: Users | undefined;
  let queue: TestAdapter | undefined;
  beforeEach(async () => {
    await truncateAll();
    queue = useTestQueue();
    users = await createUsers(db);
  });
  if (checkPostCounts)
    afterEach(async () => {
      expect(await wrongPostCounts(db)).toEqual([]);
    });
  afterAll(() => disconnectTestPrisma());
  const inSpec = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the BUR fixtures' ${what} exist only inside a spec`);
    return value;
  };
  return {
    db,
    get users() {
      return inSpec(users, 'users');
    },
    get queue() {
      return inSpec(queue, 'queue');
    },
  };
}

/** Installs a TestAdapter (approveBur enqueues into it) and returns it. */
export function useTestQueue(): TestAdapter {
  const adapter = new TestAdapter();
  configureBacklot({ adapter, queues: QUEUE_NAMES });
  return adapter;
}

/** Creates one post per entry with those tags (tags created as needed); counts recounted. Resolves post ids in order. */
export async function createPostsWithTags(
  db: AppPrismaClient,
  posts: ReadonlyArray<readonly string[]>,
): Promise<number[]> {
  const names = [...new Set(posts.flat())];
  await db.$executeRaw`INSERT INTO tags (name, updated_at) SELECT unnest(${names}::text[]), now() ON CONFLICT (name) DO NOTHING`;
  const created = await db.$queryRaw<Array<{ id: number }>>`
    INSERT INTO posts (updated_at) SELECT now() FROM generate_series(1, ${posts.length}::int) RETURNING id`;
  const ids = created.map((row) => row.id).sort((a, b) => a - b);
  const postIds: number[] = [];
  const tagNames: string[] = [];
  posts.forEach((tags, index) => {
    for (const name of tags) {
      postIds.push(ids[index] ?? 0);
      tagNames.push(name);
    }
  });
  await db.$executeRaw`
    INSERT INTO post_tags (post_id, tag_id)
    SELECT p, t.id FROM unnest(${postIds}::int[], ${tagNames}::text[]) AS x(p, n) JOIN tags t ON t.name = x.n
    ON CONFLICT DO NOTHING`;
  await recountTagPostCounts(db);
  return ids;
}

/** Creates `count` posts that all carry `tags` (set-based). Resolves their ids. */
export async function createManyPosts(
  db: AppPrismaClient,
  count: number,
  tags: readonly string[],
): Promise<number[]> {
  await db.$executeRaw`INSERT INTO tags (name, updated_at) SELECT unnest(${[...tags]}::text[]), now() ON CONFLICT (name) DO NOTHING`;
  const created = await db.$queryRaw<Array<{ id: number }>>`
    INSERT INTO posts (updated_at) SELECT now() FROM generate_series(1, ${count}::int) RETURNING id`;
  const ids = created.map((row) => row.id);
  await db.$executeRaw`
    INSERT INTO post_tags (post_id, tag_id)
    SELECT p, t.id FROM unnest(${ids}::int[]) AS p CROSS JOIN tags t WHERE t.name = ANY(${[...tags]}::text[])
    ON CONFLICT DO NOTHING`;
  await recountTagPostCounts(db);
  return ids;
}

/** Tag names of a post, sorted. */
export async function tagsOf(db: AppPrismaClient, postId: number): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ name: string }>>`
    SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = ${postId} ORDER BY t.name`;
  return rows.map((row) => row.name);
}

/** Ids of the posts carrying `tag`, ascending. */
export async function postsWith(db: AppPrismaClient, tag: string): Promise<number[]> {
  const rows = await db.$queryRaw<Array<{ post_id: number }>>`
    SELECT pt.post_id FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ${tag} ORDER BY pt.post_id`;
  return rows.map((row) => row.post_id);
}

export async function postCount(db: AppPrismaClient, tag: string): Promise<number | undefined> {
  return (await db.tag.findUnique({ where: { name: tag } }))?.postCount;
}

/** Tags whose post_count differs from a recount of post_tags: [] when every count is right. */
export async function wrongPostCounts(
  db: AppPrismaClient,
): Promise<Array<{ name: string; stored: number; actual: number }>> {
  return db.$queryRaw`
    SELECT t.name, t.post_count AS stored, COALESCE(c.n, 0) AS actual
    FROM tags t LEFT JOIN (SELECT tag_id, count(*)::int AS n FROM post_tags GROUP BY tag_id) c ON c.tag_id = t.id
    WHERE t.post_count <> COALESCE(c.n, 0)
    ORDER BY t.name`;
}

/** Live (active or processing) relationships as 'a -> b status' strings, sorted. */
export async function relationships(
  db: AppPrismaClient,
  kind: 'alias' | 'implication',
  all = false,
): Promise<string[]> {
  const where = all ? {} : { status: { in: ['active' as const, 'processing' as const] } };
  const rows =
    kind === 'alias'
      ? await db.tagAlias.findMany({ where, orderBy: { id: 'asc' } })
      : await db.tagImplication.findMany({ where, orderBy: { id: 'asc' } });
  return rows.map((row) => `${row.antecedentName} -> ${row.consequentName} ${row.status}`).sort();
}

export interface RunOutcome {
  burId: number;
  progress: BurProgress[];
}

/**
 * createBur (by the member) and approveBur (by the admin) `script`, expecting it valid, then
 * runs the processing directly (no worker). Resolves the request id and the progress reported.
 */
export async function runScript(
  db: AppPrismaClient,
  users: Users,
  script: string,
  options: ProcessOptions = {},
): Promise<RunOutcome> {
  const { bur, check } = await createBur(users.member, script, 'test', { db });
  expect(check.errors).toEqual([]);
  await approveBur(bur, users.admin, { db });
  const progress: BurProgress[] = [];
  await processBulkUpdateRequest(db, bur.id, {
    chunkSize: 2,
    ...options,
    onProgress: async (p) => {
      progress.push(p);
      await options.onProgress?.(p);
    },
  });
  return { burId: bur.id, progress };
}

/** Mod action descriptions of a request, oldest first. */
export async function modActionsOf(db: AppPrismaClient, burId: number): Promise<string[]> {
  const rows = await db.modAction.findMany({
    where: { subjectType: 'BulkUpdateRequest', subjectId: burId },
    orderBy: { id: 'asc' },
  });
  return rows.map((row) => `${row.category}: ${row.description}`);
}
