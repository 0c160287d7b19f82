/**
 * The app's Prisma client: queries through @prisma/adapter-pg (no native engine), every returned
 * record marked with its model name so that a job argument holding it serializes by reference
 * ({ model, id }, see app/framework/record-ref.ts) instead of by value.
 *
 * Steps:
 *   1. createPrismaClient(url) builds a PrismaClient over a PrismaPg adapter for `url`
 *      (default: env().DATABASE_URL).
 *   2. A query extension on every model and operation awaits the query and marks the result: the
 *      object itself, or each element of an array. Only objects carrying an `id` are marked, so
 *      counts, aggregates and `select`s without id pass through untouched. Records nested through
 *      `include` are not marked (load them through their own model to pass them to a job).
 *   3. prisma() returns one process-wide client, created on first use; disconnectPrisma() closes it
 *      (bin/ entry points and test teardown call it).
 *
 * Example:
 *   const user = await prisma().user.findUniqueOrThrow({ where: { name: 'admin' } });
 *   await NotifyUserJob.performLater(user);   // stored as { model: 'User', id: 1 }
 *   await disconnectPrisma();
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { env } from '../../config/env';
import { markRecord } from '../framework/index';
import { PrismaClient } from './generated/client';

/** Operations whose results are records (or arrays of records) of the queried model. */
const RECORD_OPERATIONS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'create',
  'createManyAndReturn',
  'update',
  'updateManyAndReturn',
  'upsert',
  'delete',
]);

function markResult(result: unknown, model: string): void {
  if (Array.isArray(result)) {
    for (const item of result) markResult(item, model);
  } else if (typeof result === 'object' && result !== null && 'id' in result) {
    markRecord(result, model);
  }
}

/** A Prisma client on `databaseUrl` whose query results are marked as records. */
export function createPrismaClient(databaseUrl: string = env().DATABASE_URL) {
  const base = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  return base.$extends({
    name: 'backlot-record-refs',
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          const result = await query(args);
          if (RECORD_OPERATIONS.has(operation)) markResult(result, model);
          return result;
        },
      },
    },
  });
}

export type AppPrismaClient = ReturnType<typeof createPrismaClient>;

let instance: AppPrismaClient | undefined;

/** The process-wide client on env().DATABASE_URL, created on first use. */
export function prisma(): AppPrismaClient {
  instance ??= createPrismaClient();
  return instance;
}

/** Closes the process-wide client, if one was created; the next prisma() call makes a new one. */
export async function disconnectPrisma(): Promise<void> {
  const current = instance;
  instance = undefined;
  await current?.$disconnect();
}
