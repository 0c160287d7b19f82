/**
 * Staging: the jobs of one performLater, performAllLater or enqueueAfter, or every job a
 * transaction scope buffered (scope.ts), written to the outbox in the caller's transaction as one
 * statement (table.ts STAGE_SQL), with the relay's NOTIFY.
 *
 * Steps: check the transaction (transaction.ts) -> one row per staged job -> one INSERT. Arguments
 * were serialized and the queue checked before (enqueuing.ts), so a bad argument or an unknown
 * queue fails before any SQL, inside the caller's transaction callback.
 *
 * Example: await stageJobs(tx, [adapter.stagedForm(job)])
 */
import type { StagedJob } from './staged-job';
import { STAGE_ONE_NOTIFY_SQL, STAGE_ONE_SQL, STAGE_SQL } from './table';
import { checkTransaction, executeIn, isPrisma } from './transaction';

/**
 * Prisma transaction clients that already sent the NOTIFY. A Prisma tx client lives for one
 * transaction, so a later staging in it needs none; a pg client outlives its transactions and
 * always notifies.
 */
const notified = new WeakSet<object>();

export async function stageJobs(tx: unknown, jobs: readonly StagedJob[]): Promise<void> {
  checkTransaction(tx);
  if (jobs.length === 0) return;
  const [job] = jobs;
  if (jobs.length === 1 && job) {
    const notify = !notified.has(tx);
    await executeIn(tx, notify ? STAGE_ONE_NOTIFY_SQL : STAGE_ONE_SQL, [
      job.jobId,
      job.kind,
      job.queue,
      job.name,
      JSON.stringify(job.data),
      JSON.stringify(job.opts),
      job.runAt === null ? null : new Date(job.runAt).toISOString(),
      job.prefix,
    ]);
    if (isPrisma(tx)) notified.add(tx);
    return;
  }
  const rows = jobs.map((job) => ({
    job_id: job.jobId,
    kind: job.kind,
    queue: job.queue,
    name: job.name,
    data: job.data,
    opts: job.opts,
    run_at: job.runAt === null ? null : new Date(job.runAt).toISOString(),
    queue_prefix: job.prefix,
  }));
  await executeIn(tx, STAGE_SQL, [JSON.stringify(rows)]);
}
