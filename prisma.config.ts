/**
 * Prisma CLI configuration: migrations run through the Wasm schema engine over @prisma/adapter-pg,
 * because Prisma's native engines cannot be downloaded on our machines
 * (see ARCHITECTURE.md, "Prisma without native engines").
 *
 * Steps: load .env when present (the CLI skips its own .env loading once this file exists), default
 * DATABASE_URL, hand the CLI a PrismaPg factory built from a pg config object. A config object, not
 * a connectionString: the shadow database of `migrate dev` is opened as `{ ...config, database }`
 * and a connectionString would override that database (config/database-url.ts). allowExitOnIdle:
 * the CLI never closes the adapter's pool, whose idle connection would keep it alive for 10 s after
 * the command is done (app/db/admin.ts's migrateDeploy also unrefs the engine's leftover timers).
 *
 * Example: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/backlot_scratch npx prisma migrate dev --name add_tags
 */
import { existsSync } from 'node:fs';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { pgConfigFromUrl } from './config/database-url';
import { DEFAULT_DATABASE_URL } from './config/defaults';

if (existsSync('.env')) process.loadEnvFile('.env');
process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
const databaseUrl = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
  adapter: () => Promise.resolve(new PrismaPg({ ...pgConfigFromUrl(databaseUrl), allowExitOnIdle: true })),
});
