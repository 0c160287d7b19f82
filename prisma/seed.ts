/**
 * Demo data for development: a few users of each level (including an admin) and some tagged posts
 * with real pictures (drawn by prisma/seed-images.ts, not downloaded); on request, a large
 * realistic data set on top (prisma/seed-posts.ts, posts without files).
 *
 * Steps: upsert each user by name; create each demo post missing by its picture's md5, write the
 * picture, thumbnail and sample under STORAGE_ROOT, and set its tags (app/db/post.repository.ts's
 * setPostTags keeps tag post counts right), so running it again changes nothing (rows a developer
 * edited keep their edits). With SEED_POSTS=N or --posts N,
 * then seedPosts adds generated posts 1..N that do not exist yet, with a progress bar on stderr.
 * Runs from bin/setup (demo data only), `npm run db:seed` or `npx prisma db seed`
 * (prisma.config.ts points migrations.seed here).
 *
 * Example:
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/backlot_development npx tsx prisma/seed.ts
 *   SEED_POSTS=100000 npm run db:seed          # or: npx tsx prisma/seed.ts --posts 100000
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { boot } from '../config/boot';
import { createPrismaClient, type AppPrismaClient } from '../app/db/client';
import type { PostRating, UserLevel } from '../app/db/generated/enums';
import { setPostTags } from '../app/db/post.repository';
import { ensureAdminPassword } from '../app/web/auth/admin-password';
import { ConfigError, env } from '../config/env';
import { seedPosts } from './seed-posts';
import { demoImage, storeDemoImage, type Scene } from './seed-images';
import { regeneratePostCounts } from '../app/services/maintenance/post-counts';

export const DEMO_USERS: ReadonlyArray<{ name: string; level: UserLevel }> = [
  { name: 'admin', level: 'admin' },
  { name: 'moderator', level: 'moderator' },
  { name: 'builder', level: 'builder' },
  { name: 'member', level: 'member' },
];

export const DEMO_POSTS: ReadonlyArray<{
  scene: Scene;
  tags: readonly string[];
  score: number;
  rating: PostRating;
  uploader: string;
}> = [
  {
    scene: { sky: '#8ec5ff', ground: '#3c8d2f', sun: '#ffd34d', shapes: 1 },
    tags: ['1girl', 'solo', 'long_hair', 'smile'],
    score: 12,
    rating: 'g',
    uploader: 'builder',
  },
  {
    scene: { sky: '#f7a072', ground: '#5b3a29', sun: '#fff1a8', shapes: 0, width: 640, height: 360 },
    tags: ['landscape', 'mountain', 'sky', 'scenery'],
    score: 30,
    rating: 'g',
    uploader: 'builder',
  },
  {
    scene: { sky: '#b8a1ff', ground: '#2f6d8d', sun: '#ffffff', shapes: 3, width: 360, height: 480 },
    tags: ['cat', 'animal_focus', 'no_humans'],
    score: 7,
    rating: 's',
    uploader: 'member',
  },
  {
    scene: { sky: '#9be7c4', ground: '#8d2f5b', sun: '#ffb3c1', shapes: 2 },
    tags: ['2girls', 'multiple_girls', 'school_uniform'],
    score: 3,
    rating: 'q',
    uploader: 'member',
  },
  {
    scene: { sky: '#cccccc', ground: '#777777', sun: '#eeeeee', shapes: 5, width: 300, height: 300 },
    tags: ['tagme'],
    score: 0,
    rating: 'g',
    uploader: 'admin',
  },
];

export interface SeedSummary {
  users: number;
  posts: number;
  tags: number;
}

/**
 * Upserts the demo users, creates the missing demo posts (by their picture's md5) with their
 * pictures under the storage root and their tags; resolves the table counts.
 */
export async function seed(
  client: AppPrismaClient,
  options: { storageRoot?: string } = {},
): Promise<SeedSummary> {
  const storageRoot = options.storageRoot ?? env().STORAGE_ROOT;
  const ids = new Map<string, number>();
  for (const user of DEMO_USERS) {
    const row = await client.user.upsert({ where: { name: user.name }, create: user, update: {} });
    ids.set(row.name, row.id);
  }
  // The admin can sign in: ADMIN_PASSWORD, or a generated password printed once.
  await ensureAdminPassword(client, { password: env().ADMIN_PASSWORD });
  for (const { uploader, tags, scene, ...post } of DEMO_POSTS) {
    const png = await demoImage(scene);
    const md5 = createHash('md5').update(png).digest('hex');
    if (await client.post.findUnique({ where: { md5 }, select: { id: true } })) continue;
    const { width, height } = await sharp(png).metadata();
    const created = await client.post.create({
      data: {
        ...post,
        md5,
        fileExt: 'png',
        imageWidth: width,
        imageHeight: height,
        fileSize: png.length,
        uploaderId: ids.get(uploader) ?? null,
      },
    });
    await storeDemoImage(storageRoot, created.id, png);
    await setPostTags(client, created.id, tags);
  }
  return {
    users: await client.user.count(),
    posts: await client.post.count(),
    tags: await client.tag.count(),
  };
}

/**
 * How many generated posts to seed: `--posts N` / `--posts=N` on the command line, else the
 * SEED_POSTS variable, else 0. Throws ConfigError naming the source when it is not a whole number.
 */
export function requestedSeedPosts(
  argv: readonly string[],
  environment: NodeJS.ProcessEnv = process.env,
): number {
  let value: string | undefined;
  let source = 'SEED_POSTS';
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--posts') [value, source] = [argv[i + 1] ?? '', '--posts'];
    else if (arg.startsWith('--posts=')) [value, source] = [arg.slice('--posts='.length), '--posts'];
  }
  value ??= environment.SEED_POSTS;
  if (value === undefined || value.trim() === '') return 0;
  const normalized = value.trim().replaceAll('_', '');
  if (!/^\d+$/.test(normalized))
    throw new ConfigError(`${source} must be a whole number of posts, got "${value}"`);
  return Number(normalized);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await boot(async () => {
    const wanted = requestedSeedPosts(process.argv.slice(2));
    const client = createPrismaClient();
    try {
      const { users, posts, tags } = await seed(client);
      process.stdout.write(`Seeded demo data: ${users} users, ${posts} posts, ${tags} tags\n`);
      if (wanted > 0) {
        const uploaderIds = (
          await client.user.findMany({ select: { id: true }, orderBy: { id: 'asc' } })
        ).map((user) => user.id);
        const summary = await seedPosts(client, { posts: wanted, uploaderIds });
        process.stdout.write(
          `Seeded ${summary.insertedPosts} new posts (${summary.insertedPostTags} post tags over ${summary.tags} tags) in ${summary.seconds.toFixed(1)}s\n`,
        );
      }
      // Per-post tag counts are a cache the hourly job keeps; fill it now so pages are right at once.
      await regeneratePostCounts(client);
    } finally {
      await client.$disconnect();
    }
  });
}
