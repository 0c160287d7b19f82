/**
 * Tags for the web app: search (Danbooru's /tags), one tag with its aliases, implications and
 * recent posts.
 *
 * Search: `name` is a pattern where `*` matches anything (`hair*`, `*_hair`, `long*hair`; no `*`:
 * the exact name), matched on the normalized name; `category` one of the tag categories; `order`
 * count (post count, then name), name, or date (newest first); `hideEmpty` leaves out tags on no
 * post. One SQL statement for the page and one for the total, LIKE with every other wildcard
 * escaped.
 *
 * Example: await tags.search({ name: 'long*', order: 'count' }, 1)   // { tags, total, page, perPage }
 */
import type { AppPrismaClient } from '../../db/client';
import { Prisma } from '../../db/generated/client';
import { likePattern } from '../../db/like-pattern';
import type { TagCategory } from '../../db/generated/enums';
import { normalizeTagName, TAG_CATEGORIES } from '../../services/bulk-update-request/index';
import { NotFoundError, ValidationError } from '../errors';
import { isRecordId } from '../../db/record-id';
import { postCards } from './post-cards';

/** Tags on one page of the list. @defaultValue 50 */
export const TAGS_PER_PAGE = 50;
/** Posts shown on a tag's page. @defaultValue 10 */
export const TAG_RECENT_POSTS = 10;

export const TAG_ORDERS = ['count', 'name', 'date'] as const;
export type TagOrder = (typeof TAG_ORDERS)[number];

export interface TagSearch {
  name?: string;
  category?: string;
  order?: string;
  hideEmpty?: boolean;
}

export interface TagRow {
  id: number;
  name: string;
  category: TagCategory;
  postCount: number;
  isDeprecated: boolean;
  createdAt: Date;
}

function isCategory(value: string): value is TagCategory {
  return (TAG_CATEGORIES as readonly string[]).includes(value);
}

const ORDER_SQL: Record<TagOrder, Prisma.Sql> = {
  count: Prisma.sql`post_count DESC, name ASC`,
  name: Prisma.sql`name ASC`,
  date: Prisma.sql`created_at DESC, id DESC`,
};

interface RawTag {
  id: number;
  name: string;
  category: TagCategory;
  post_count: number;
  is_deprecated: boolean;
  created_at: Date;
}

const toRow = (t: RawTag): TagRow => ({
  id: t.id,
  name: t.name,
  category: t.category,
  postCount: t.post_count,
  isDeprecated: t.is_deprecated,
  createdAt: t.created_at,
});

export class TagsService {
  constructor(private readonly db: AppPrismaClient) {}

  /** Validates a search; unknown categories and orders are a 422 naming the field. */
  normalizeSearch(search: TagSearch): {
    name?: string;
    category?: TagCategory;
    order: TagOrder;
    hideEmpty: boolean;
  } {
    const name = search.name?.trim() ? normalizeTagName(search.name.trim()) : undefined;
    if (name !== undefined && name.length > 200)
      throw new ValidationError({ name: 'The name pattern is too long' });
    const category = search.category?.trim() || undefined;
    if (category !== undefined && !isCategory(category))
      throw new ValidationError({ category: `Unknown category "${category}"` });
    const order = search.order?.trim() || 'count';
    if (!(TAG_ORDERS as readonly string[]).includes(order))
      throw new ValidationError({ order: `Order by one of ${TAG_ORDERS.join(', ')}` });
    return { name, category, order: order as TagOrder, hideEmpty: search.hideEmpty ?? false };
  }

  async search(input: TagSearch, page = 1, perPage = TAGS_PER_PAGE) {
    const search = this.normalizeSearch(input);
    const current = Number.isInteger(page) && page >= 1 ? page : 1;
    const conditions: Prisma.Sql[] = [];
    if (search.name !== undefined) {
      conditions.push(
        search.name.includes('*')
          ? Prisma.sql`name LIKE ${likePattern(search.name)} ESCAPE '\\'`
          : Prisma.sql`name = ${search.name}`,
      );
    }
    if (search.category) conditions.push(Prisma.sql`category = ${search.category}::tag_category`);
    if (search.hideEmpty) conditions.push(Prisma.sql`post_count > 0`);
    const where =
      conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
    const [rows, counted] = await Promise.all([
      this.db.$queryRaw<RawTag[]>`
        SELECT id, name, category, post_count, is_deprecated, created_at FROM tags ${where}
        ORDER BY ${ORDER_SQL[search.order]} LIMIT ${perPage} OFFSET ${(current - 1) * perPage}`,
      this.db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM tags ${where}`,
    ]);
    return { tags: rows.map(toRow), total: counted[0]?.n ?? 0, page: current, perPage, search };
  }

  /** A tag by id, or by name when `key` is not a number. */
  async find(key: string) {
    const id = /^\d+$/.test(key) ? Number(key) : undefined;
    const tag = isRecordId(id)
      ? await this.db.tag.findUnique({ where: { id } })
      : await this.db.tag.findUnique({ where: { name: normalizeTagName(key) } });
    if (!tag) throw new NotFoundError(`no tag ${key}`);
    const byName = { OR: [{ antecedentName: tag.name }, { consequentName: tag.name }] };
    const order = [{ status: 'asc' as const }, { id: 'desc' as const }];
    const select = {
      id: true,
      antecedentName: true,
      consequentName: true,
      status: true,
      createdAt: true,
    } as const;
    const [aliases, implications, postIds] = await Promise.all([
      this.db.tagAlias.findMany({ where: byName, orderBy: order, take: 100, select }),
      this.db.tagImplication.findMany({ where: byName, orderBy: order, take: 100, select }),
      this.db.$queryRaw<Array<{ post_id: number }>>`
        SELECT post_id FROM post_tags WHERE tag_id = ${tag.id} ORDER BY post_id DESC LIMIT ${TAG_RECENT_POSTS}`,
    ]);
    const posts = await postCards(
      this.db,
      postIds.map((p) => p.post_id),
    );
    const row: TagRow = {
      id: tag.id,
      name: tag.name,
      category: tag.category,
      postCount: tag.postCount,
      isDeprecated: tag.isDeprecated,
      createdAt: tag.createdAt,
    };
    return {
      tag: row,
      aliases,
      implications,
      posts,
    };
  }
}
