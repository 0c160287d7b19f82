/**
 * The posts a page shows as thumbnails beside the post list (a tag's page, a user's profile, a
 * user's favorites): each one's score, rating, favorites, tag string, deletion mark and where its
 * thumbnail is served.
 *
 * Steps: a query that already lists the posts selects POST_CARD_FIELDS (a nested Prisma select)
 * and hands the rows to toPostCards, which adds their tags in one more query; postCards(ids) does
 * both for bare ids (in the order given, leaving out ids that no longer name a post).
 *
 * Example: posts: { take: 10, select: POST_CARD_FIELDS } ... await toPostCards(db, user.posts)
 *          await postCards(db, [5, 3, 1])   // [{ id: 5, tagString: '1girl smile', files: {…}, … }, …]
 */
import type { AppPrismaClient } from '../../db/client';
import type { PostRating } from '../../db/generated/enums';
import { tagNamesByPost, tagString } from '../../db/post.repository';
import { postFileUrls, type PostFileUrls } from '../../services/posts/post-files';

export interface PostCard {
  id: number;
  score: number;
  rating: PostRating;
  favCount: number;
  tagString: string;
  /** Where its image is served; undefined for a post without a file. */
  files: PostFileUrls | undefined;
  deletionRequestedAt: Date | null;
}

/** The post fields a card is made of, as a Prisma select. */
export const POST_CARD_FIELDS = {
  id: true,
  score: true,
  rating: true,
  favCount: true,
  fileExt: true,
  deletionRequestedAt: true,
} as const;

type CardRow = Omit<PostCard, 'tagString' | 'files'> & { fileExt: string | null };

/** A row's card; the row's other fields (a favorite's time) are kept. */
function card<R extends CardRow>(
  { fileExt, ...row }: R,
  tags: Map<number, string[]>,
): Omit<R, 'fileExt'> & PostCard {
  return {
    ...row,
    tagString: tagString(tags.get(row.id) ?? []),
    files: postFileUrls({ id: row.id, fileExt }),
  };
}

/** Cards for rows selected with POST_CARD_FIELDS, in their order, keeping the rows' other fields. */
export async function toPostCards<R extends CardRow>(
  db: AppPrismaClient,
  rows: readonly R[],
): Promise<Array<Omit<R, 'fileExt'> & PostCard>> {
  if (rows.length === 0) return [];
  const tags = await tagNamesByPost(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => card(row, tags));
}

/** Cards for post ids, in the order given; ids that no longer name a post are left out. */
export async function postCards(db: AppPrismaClient, ids: readonly number[]): Promise<PostCard[]> {
  if (ids.length === 0) return [];
  const [rows, tags] = await Promise.all([
    db.post.findMany({ where: { id: { in: [...ids] } }, select: POST_CARD_FIELDS }),
    tagNamesByPost(db, ids),
  ]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [card(row, tags)] : [];
  });
}
