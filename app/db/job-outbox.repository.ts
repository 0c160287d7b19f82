/**
 * The job outbox (app/framework/outbox/) read through the app's Prisma client: the framework's
 * status queries want a pg-like `query(sql, values)`, which this wraps around $queryRawUnsafe, for
 * the admin jobs page and /metrics (bin/jobs outbox reads through the pg pool directly).
 *
 * Example: const waiting = await countOutbox(outboxQueryable(prisma()))
 */
import { OUTBOX_TABLE, type OutboxQueryable } from '../framework/index';
import type { AppPrismaClient } from './client';

export function outboxQueryable(client: AppPrismaClient): OutboxQueryable {
  return {
    async query<R>(text: string, values: unknown[] = []) {
      return { rows: await client.$queryRawUnsafe<R[]>(text, ...values) };
    },
  };
}

/** Whether the job waits in the outbox (committed, not yet relayed to the queue). */
export async function isJobStaged(
  client: Pick<AppPrismaClient, '$queryRawUnsafe'>,
  jobId: string,
): Promise<boolean> {
  const rows = await client.$queryRawUnsafe<unknown[]>(
    `SELECT 1 FROM ${OUTBOX_TABLE} WHERE job_id = $1`,
    jobId,
  );
  return rows.length > 0;
}
