import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { postFilePaths } from '../../app/services/posts/post-files';
import { recountTagPostCounts } from '../../app/db/tag.repository';
import { ConfigError } from '../../config/env';
import { DEMO_POSTS, requestedSeedPosts, seed } from '../../prisma/seed';
import { defaultTagCount, postTagRanks, seedPosts, seedTag } from '../../prisma/seed-posts';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';

const db = testPrisma();

beforeAll(() => truncateAll());
afterAll(() => disconnectTestPrisma());

async function actualPostCounts(): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<Array<{ name: string; n: number }>>`
    SELECT t.name, count(pt.post_id)::int AS n FROM tags t LEFT JOIN post_tags pt ON pt.tag_id = t.id GROUP BY t.name`;
  return new Map(rows.map((row) => [row.name, row.n]));
}

async function storedPostCounts(): Promise<Map<string, number>> {
  return new Map((await db.tag.findMany()).map((tag) => [tag.name, tag.postCount]));
}

describe('seed (demo data)', () => {
  it('creates the demo users, posts with real pictures and their tags with right counts, and a second run changes nothing', async () => {
    const storageRoot = await mkdtemp(join(tmpdir(), 'backlot-seed-'));
    onTestFinished(() => rm(storageRoot, { recursive: true, force: true }));
    const first = await seed(db, { storageRoot });
    const demoTags = new Set(DEMO_POSTS.flatMap((post) => post.tags));
    expect(first).toEqual({ users: 4, posts: DEMO_POSTS.length, tags: demoTags.size });
    expect(await storedPostCounts()).toEqual(await actualPostCounts());

    for (const post of await db.post.findMany()) {
      const paths = postFilePaths(storageRoot, post.id, 'png');
      const original = await readFile(paths.original);
      expect(createHash('md5').update(original).digest('hex')).toBe(post.md5);
      expect(post).toMatchObject({ fileExt: 'png', fileSize: original.length });
      expect(await sharp(paths.thumbnail).metadata()).toMatchObject({ format: 'webp' });
      expect(await sharp(paths.sample).metadata()).toMatchObject({ format: 'jpeg', width: post.imageWidth });
    }

    expect(await seed(db, { storageRoot })).toEqual(first);
    expect(await db.postTag.count()).toBe(DEMO_POSTS.reduce((sum, post) => sum + post.tags.length, 0));
  });
});

describe('seedPosts', () => {
  it(
    'adds N tagged posts in batches, with right post counts, and skips them on the next run',
    { timeout: 60_000 },
    async () => {
      const before = await db.post.count();
      const progress: string[] = [];
      const summary = await seedPosts(db, {
        posts: 1_200,
        tags: 300,
        progress: { write: (text) => progress.push(text) },
      });

      expect(summary.insertedPosts).toBe(1_200);
      expect(await db.post.count()).toBe(before + 1_200);
      expect(summary.insertedPostTags).toBeGreaterThan(1_200 * 4 * 0.9);
      expect(await db.tag.count({ where: { name: { in: [seedTag(1)[0], seedTag(300)[0]] } } })).toBe(2);
      expect(await storedPostCounts()).toEqual(await actualPostCounts());
      expect(await recountTagPostCounts(db)).toBe(0);
      expect(progress.at(-1)).toMatch(/^Seeding posts \[#+\] 100% {2}1,200\/1,200/);

      // Zipf-like: the most frequent tag is on many posts, the rank-100 tag on few.
      const counts = await storedPostCounts();
      expect(counts.get(seedTag(1)[0])).toBeGreaterThan(400);
      expect(counts.get(seedTag(100)[0]) ?? 0).toBeLessThan(100);

      const again = await seedPosts(db, { posts: 1_200, tags: 300, progress: null });
      expect(again).toMatchObject({ insertedPosts: 0, insertedPostTags: 0 });
      expect(await db.post.count()).toBe(before + 1_200);
    },
  );

  it('draws 4..16 distinct tags per post, the same ones on every run', () => {
    for (let index = 1; index <= 500; index += 1) {
      const ranks = postTagRanks(index, 300);
      expect(ranks.length).toBeGreaterThanOrEqual(1);
      expect(ranks.length).toBeLessThanOrEqual(16);
      expect(new Set(ranks).size).toBe(ranks.length);
      expect(ranks.every((rank) => Number.isInteger(rank) && rank >= 1 && rank <= 300)).toBe(true);
      expect(postTagRanks(index, 300)).toEqual(ranks);
    }
    expect(defaultTagCount(100)).toBe(200);
    expect(defaultTagCount(100_000)).toBe(20_000);
    expect(defaultTagCount(10_000_000)).toBe(50_000);
  });
});

describe('requestedSeedPosts', () => {
  it('reads --posts N, --posts=N or SEED_POSTS, the flag first', () => {
    expect(requestedSeedPosts([], {})).toBe(0);
    expect(requestedSeedPosts([], { SEED_POSTS: '100_000' })).toBe(100_000);
    expect(requestedSeedPosts(['--posts', '50'], { SEED_POSTS: '7' })).toBe(50);
    expect(requestedSeedPosts(['--posts=25'], {})).toBe(25);
  });

  it('refuses anything but a whole number, naming where it came from', () => {
    expect(() => requestedSeedPosts([], { SEED_POSTS: 'lots' })).toThrow(
      new ConfigError('SEED_POSTS must be a whole number of posts, got "lots"'),
    );
    expect(() => requestedSeedPosts(['--posts', '-5'], {})).toThrow(ConfigError);
    expect(() => requestedSeedPosts(['--posts'], {})).not.toThrow();
  });
});
