/**
 * The job outbox (app/framework/outbox/) read through the app's Prisma client: the framework's
 * status queries want a pg-like `query(sql, values)`, which this wraps around $queryRawUnsafe, for
 * the admin jobs page and /metrics (bin/jobs outbox reads through the pg pool directly).
 *
 * Example: const waiting = await countOutbox(outboxQueryable(prisma()))
 */
import type { OutboxQueryable } from '../framework/index';
import type { AppPrismaClient } from './client';

export function outboxQueryable(client: AppPrismaClient): OutboxQueryable {
  return {
    async query<R>(text: string, values: unknown[] = []) {
      return { rows: await client.$queryRawUnsafe<R[]>(text, ...values) };
    },
  };
}
