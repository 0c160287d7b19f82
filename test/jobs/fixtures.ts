/**
 * Records for the domain job tests (real test database): users, posts with tags, and dates in the
 * past. Posts get their tags through setPostTags, which keeps tags.post_count right but leaves the
 * posts' cached tag counts alone (as the web app and BURs do), so tests see those counts stale.
 *
 * Example:
 *   const alice = await createUser(db, 'alice', { email: 'alice@example.com' });
 *   const post = await createPost(db, ['cat', 'smile'], { createdAt: daysAgo(800) });
 */
import { randomBytes } from 'node:crypto';
import type { AppPrismaClient } from '../../app/db/client';
import type { Prisma } from '../../app/db/generated/client';
import { setPostTags } from '../../app/db/post.repository';

export const DAY_MS = 24 * 60 * 60 * 1000;

export function daysAgo(days: number, from: Date = new Date()): Date {
  return new Date(from.getTime() - days * DAY_MS);
}

export function hoursAgo(hours: number, from: Date = new Date()): Date {
  return new Date(from.getTime() - hours * 3600 * 1000);
}

export function createUser(
  db: AppPrismaClient,
  name: string,
  data: Partial<Prisma.UserUncheckedCreateInput> = {},
) {
  return db.user.create({ data: { name, ...data } });
}

export async function createPost(
  db: AppPrismaClient,
  tags: readonly string[] = [],
  data: Partial<Prisma.PostUncheckedCreateInput> = {},
) {
  const post = await db.post.create({ data: { md5: randomBytes(16).toString('hex'), ...data } });
  if (tags.length > 0) await setPostTags(db, post.id, tags);
  return post;
}

/** The cached counts of a post, as stored. */
export async function postCounts(db: AppPrismaClient, postId: number) {
  return db.post.findUniqueOrThrow({
    where: { id: postId },
    select: {
      favCount: true,
      tagCount: true,
      tagCountGeneral: true,
      tagCountArtist: true,
      tagCountCopyright: true,
      tagCountCharacter: true,
      tagCountMeta: true,
    },
  });
}
