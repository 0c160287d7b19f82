/**
 * Demo data for development: a few users of each level (including an admin) and some tagged posts;
 * on request, a large realistic data set on top (prisma/seed-posts.ts).
 *
 * Steps: upsert each user by name; create each demo post missing by md5 together with its tags
 * (app/db/post.repository.ts's setPostTags keeps tag post counts right), so running it again
 * changes nothing (rows a developer edited keep their edits). With SEED_POSTS=N or --posts N,
 * then seedPosts adds generated posts 1..N that do not exist yet, with a progress bar on stderr.
 * Runs from bin/setup (demo data only), `npm run db:seed` or `npx prisma db seed`
 * (prisma.config.ts points migrations.seed here).
 *
 * Example:
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/backlot_development npx tsx prisma/seed.ts
 *   SEED_POSTS=100000 npm run db:seed          # or: npx tsx prisma/seed.ts --posts 100000
 */
import { pathToFileURL } from 'node:url';
import { boot } from '../config/boot';
import { createPrismaClient, type AppPrismaClient } from '../app/db/client';
import type { UserLevel } from '../app/db/generated/enums';
import { setPostTags } from '../app/db/post.repository';
import { ensureAdminPassword } from '../app/web/auth/admin-password';
import { ConfigError, env } from '../config/env';
import { seedPosts } from './seed-posts';
import { regeneratePostCounts } from '../app/services/maintenance/post-counts';

export const DEMO_USERS: ReadonlyArray<{ name: string; level: UserLevel }> = [
  { name: 'admin', level: 'admin' },
  { name: 'moderator', level: 'moderator' },
  { name: 'builder', level: 'builder' },
  { name: 'member', level: 'member' },
];

export const DEMO_POSTS: ReadonlyArray<{
  md5: string;
  tags: readonly string[];
  score: number;
  uploader: string;
}> = [
  {
    md5: 'd41d8cd98f00b204e9800998ecf8427e',
    tags: ['1girl', 'solo', 'long_hair', 'smile'],
    score: 12,
    uploader: 'builder',
  },
  {
    md5: '0cc175b9c0f1b6a831c399e269772661',
    tags: ['landscape', 'mountain', 'sky', 'scenery'],
    score: 30,
    uploader: 'builder',
  },
  {
    md5: '92eb5ffee6ae2fec3ad71c777531578f',
    tags: ['cat', 'animal_focus', 'no_humans'],
    score: 7,
    uploader: 'member',
  },
  {
    md5: '4a8a08f09d37b73795649038408b5f33',
    tags: ['2girls', 'multiple_girls', 'school_uniform'],
    score: 3,
    uploader: 'member',
  },
  { md5: '8277e0910d750195b448797616e091ad', tags: ['tagme'], score: 0, uploader: 'admin' },
];

export interface SeedSummary {
  users: number;
  posts: number;
  tags: number;
}

/** Upserts the demo users, creates the missing demo posts with their tags; resolves the table counts. */
export async function seed(client: AppPrismaClient): Promise<SeedSummary> {
  const ids = new Map<string, number>();
  for (const user of DEMO_USERS) {
    const row = await client.user.upsert({ where: { name: user.name }, create: user, update: {} });
    ids.set(row.name, row.id);
  }
  // The admin can sign in: ADMIN_PASSWORD, or a generated password printed once.
  await ensureAdminPassword(client, { password: env().ADMIN_PASSWORD });
  for (const { uploader, tags, ...post } of DEMO_POSTS) {
    if (await client.post.findUnique({ where: { md5: post.md5 }, select: { id: true } })) continue;
    const created = await client.post.create({ data: { ...post, uploaderId: ids.get(uploader) ?? null } });
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
