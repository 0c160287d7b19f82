/**
 * The database half of bin/setup (which installs dependencies first, then runs this with tsx).
 *
 * Steps: check that Redis answers (>= 6.2) and that the PostgreSQL server answers; create the
 * database named in DATABASE_URL if missing; apply migrations (prisma migrate deploy); upsert the
 * demo data from prisma/seed.ts. Every step is idempotent. A missing service or a bad variable
 * ends it with one line on stderr and exit status 1 (config/boot.ts).
 *
 * Example: npx tsx bin/setup-db.ts
 */
import { boot } from '../config/boot';
import { withDatabase } from '../config/database-url';
import { env } from '../config/env';
import { checkPostgres, checkRedis } from '../config/services';
import { createDatabaseIfMissing, databaseName, MAINTENANCE_DATABASE, migrateDeploy } from '../app/db/admin';
import { createPrismaClient } from '../app/db/client';
import { seed } from '../prisma/seed';

const step = (text: string) => process.stdout.write(`== ${text}\n`);

await boot(async () => {
  const { REDIS_URL, DATABASE_URL } = env();
  const name = databaseName(DATABASE_URL);

  step('Checking services');
  const checks = await Promise.allSettled([
    checkRedis(REDIS_URL),
    checkPostgres(withDatabase(DATABASE_URL, MAINTENANCE_DATABASE)),
  ]);
  for (const check of checks) if (check.status === 'rejected') throw check.reason;

  step(`Preparing database ${name}`);
  process.stdout.write(
    (await createDatabaseIfMissing(DATABASE_URL))
      ? `Created database ${name}\n`
      : `Database ${name} exists\n`,
  );

  step('Applying migrations');
  await migrateDeploy(DATABASE_URL, { stdio: 'inherit' });

  step('Seeding demo data');
  const client = createPrismaClient(DATABASE_URL);
  try {
    const { users, posts } = await seed(client);
    process.stdout.write(`Database ${name} holds ${users} users and ${posts} posts\n`);
  } finally {
    await client.$disconnect();
  }
  step('Done');
});
