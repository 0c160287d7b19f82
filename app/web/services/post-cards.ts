/**
 * The posts a page shows as thumbnails beside the post list (a tag's page, a user's profile, a
 * user's favorites): for each id, in the order given, its score, rating, favorites, tag string,
 * deletion mark and where its thumbnail is served. Ids that no longer name a post are left out.
 *
 * Steps: one query for the posts, one for their tags (tagNamesByPost).
 *
 * Example: await postCards(db, [5, 3, 1])   // [{ id: 5, tagString: '1girl smile', files: {…}, … }, …]
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

export async function postCards(db: AppPrismaClient, ids: readonly number[]): Promise<PostCard[]> {
  if (ids.length === 0) return [];
  const [rows, tags] = await Promise.all([
    db.post.findMany({
      where: { id: { in: [...ids] } },
      select: {
        id: true,
        score: true,
        rating: true,
        favCount: true,
        fileExt: true,
        deletionRequestedAt: true,
      },
    }),
    tagNamesByPost(db, ids),
  ]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const { fileExt, ...card } = row;
    return [{ ...card, tagString: tagString(tags.get(id) ?? []), files: postFileUrls({ id, fileExt }) }];
  });
}
