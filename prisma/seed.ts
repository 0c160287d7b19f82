/**
 * Demo data for development: a few users of each level (including an admin) and some posts.
 *
 * Steps: upsert each user by name, then each post by md5, so running it again changes nothing
 * (rows a developer edited keep their edits). Runs from bin/setup, `npm run db:seed` or
 * `npx prisma db seed` (prisma.config.ts points migrations.seed here).
 *
 * Example: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/backlot_development npx tsx prisma/seed.ts
 */
import { pathToFileURL } from 'node:url';
import { boot } from '../config/boot';
import { createPrismaClient, type AppPrismaClient } from '../app/db/client';
import type { UserLevel } from '../app/db/generated/enums';

export const DEMO_USERS: ReadonlyArray<{ name: string; level: UserLevel }> = [
  { name: 'admin', level: 'admin' },
  { name: 'moderator', level: 'moderator' },
  { name: 'builder', level: 'builder' },
  { name: 'member', level: 'member' },
];

export const DEMO_POSTS: ReadonlyArray<{ md5: string; tagString: string; score: number; uploader: string }> = [
  { md5: 'd41d8cd98f00b204e9800998ecf8427e', tagString: '1girl solo long_hair smile', score: 12, uploader: 'builder' },
  { md5: '0cc175b9c0f1b6a831c399e269772661', tagString: 'landscape mountain sky scenery', score: 30, uploader: 'builder' },
  { md5: '92eb5ffee6ae2fec3ad71c777531578f', tagString: 'cat animal_focus no_humans', score: 7, uploader: 'member' },
  { md5: '4a8a08f09d37b73795649038408b5f33', tagString: '2girls multiple_girls school_uniform', score: 3, uploader: 'member' },
  { md5: '8277e0910d750195b448797616e091ad', tagString: 'tagme', score: 0, uploader: 'admin' },
];

export interface SeedSummary {
  users: number;
  posts: number;
}

/** Upserts the demo users and posts; resolves the table counts afterwards. */
export async function seed(client: AppPrismaClient): Promise<SeedSummary> {
  const ids = new Map<string, number>();
  for (const user of DEMO_USERS) {
    const row = await client.user.upsert({ where: { name: user.name }, create: user, update: {} });
    ids.set(row.name, row.id);
  }
  for (const { uploader, ...post } of DEMO_POSTS) {
    await client.post.upsert({
      where: { md5: post.md5 },
      create: { ...post, uploaderId: ids.get(uploader) ?? null },
      update: {},
    });
  }
  return { users: await client.user.count(), posts: await client.post.count() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await boot(async () => {
    const client = createPrismaClient();
    try {
      const { users, posts } = await seed(client);
      process.stdout.write(`Seeded demo data: ${users} users, ${posts} posts\n`);
    } finally {
      await client.$disconnect();
    }
  });
}
