/**
 * Prisma CLI configuration: migrations run through the Wasm schema engine over @prisma/adapter-pg,
 * because Prisma's native engines cannot be downloaded on our machines
 * (see ARCHITECTURE.md, "Prisma without native engines").
 */
import 'dotenv/config';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { pgConfigFromUrl } from './config/database-url.ts';
import { DEFAULT_DATABASE_URL } from './config/defaults.ts';

process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;
const databaseUrl = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
  adapter: async () => new PrismaPg(pgConfigFromUrl(databaseUrl)),
});
