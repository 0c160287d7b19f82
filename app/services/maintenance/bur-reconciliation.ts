/**
 * ReconcileBulkUpdateRequestsJob's work: a bulk update request stays `processing` while its
 * ProcessBulkUpdateRequestJob waits or runs, and the job records the outcome. A job that dies
 * outside perform records none: its worker was killed more often than BullMQ's stall limit
 * allows (BullMQ fails it, "job stalled more than allowable limit", without running perform
 * again), or its record left Redis (removed by hand, or a waiting job canceled). Such a request
 * would stay processing for ever; this fails it so that it can be approved again. Rules:
 *   - the job still in the job outbox (committed with the approval, not relayed yet: Redis away,
 *     no worker running): left alone; the outbox is read before the queue, as the relay adds a job
 *     before it deletes its row;
 *   - only requests processing since (approved_at) at least `graceSeconds` ago (default 0);
 *   - the job named by processing_job_id waiting, delayed (between retries), prioritized, active
 *     or waiting for children: left alone (a worker lost mid-run is BullMQ's stalled check's to
 *     requeue or fail);
 *   - failed (canceled included), completed, or gone: the request becomes `failed` with a reason
 *     that names what happened ("processing job 1234 failed: job stalled more than allowable
 *     limit", "processing job 1234 no longer exists");
 *   - no job id (approved before the column existed): left alone while a ProcessBulkUpdateRequestJob
 *     for it waits or runs on its queue, failed otherwise.
 * Failing a request is one transaction: the request (re-checked: still processing for the same
 * job, so one that finished or was approved again meanwhile is spared), its running line (failed
 * with the reason; it is the request's failedLine, as when a line fails inside the job) and a
 * `bulk_update_request_fail` mod action by the system. Approving it again resumes it like any
 * failed request: done lines are skipped, the failed or unstarted ones run. Requests in
 * processing are few (one approval each), so they are read in one query, not in chunks.
 *
 * Example:
 *   const jobs = inspectedProcessingJobs(new JobInspector(adapter, QUEUE_NAMES), 'ProcessBulkUpdateRequestJob', 'bulk_update');
 *   await failAbandonedBulkUpdateRequests(prisma(), jobs)   // { checked: 3, live: 2, failed: [{ burId: 12, ... }] }
 */
import type { AppPrismaClient } from '../../db/client';
import { failAbandonedBur, findProcessingBurs } from '../../db/bulk-update-request.repository';
import { logModAction } from '../../db/mod-action.repository';
import { isJobStaged } from '../../db/job-outbox.repository';
import { NoSuchJobError, type JobInspector, type JobState } from '../../framework/index';

/**
 * How long a request may be processing before its job is looked at. @defaultValue 0: approval
 * commits the claim and its job together (the job outbox), so a processing request's job is in the
 * outbox or in the queue from the commit on; there is no window to wait out.
 */
export const BUR_PROCESSING_GRACE_SECONDS = 0;

/** Job states in which the job may still run the request. */
const LIVE_STATES = ['waiting', 'delayed', 'prioritized', 'active', 'waiting-children'] as const;

/** What became of a processing job: its state ('missing': Redis has no record of it) and error. */
export interface JobFate {
  state: JobState | 'missing';
  error?: string | undefined;
}

/** Where the processing jobs are looked up (inspectedProcessingJobs: BullMQ, through JobInspector). */
export interface ProcessingJobs {
  fate(jobId: string): Promise<JobFate>;
  /** The id of a waiting or running processing job for the request, if any. */
  liveJobOf(burId: number): Promise<string | undefined>;
}

/** The reason stored for a request with no job id and no live job. */
export const NO_PROCESSING_JOB_REASON =
  'no processing job was recorded for it, and none is waiting or running';

/** Why a request whose job is in this state cannot finish; undefined while the job may still run it. */
export function deadJobReason(jobId: string, fate: JobFate): string | undefined {
  if ((LIVE_STATES as readonly string[]).includes(fate.state)) return undefined;
  if (fate.state === 'failed' || fate.state === 'canceled')
    return `processing job ${jobId} failed: ${fate.error ?? 'no reason recorded'}`;
  if (fate.state === 'completed') return `processing job ${jobId} completed without finishing the request`;
  return `processing job ${jobId} no longer exists`;
}

/** ProcessingJobs read through the framework's JobInspector (the reads bin/jobs status makes). */
export function inspectedProcessingJobs(
  inspector: JobInspector,
  jobName: string,
  queue: string,
): ProcessingJobs {
  let live: Promise<Map<number, string>> | undefined;
  const findLive = async () => {
    const byBur = new Map<number, string>();
    for (const state of LIVE_STATES) {
      for (const summary of await inspector.list({ queue, state, limit: 10_000 })) {
        if (summary.jobClass !== jobName) continue;
        const args = await inspector.status(summary.id).then(
          (status) => status.arguments,
          (error: unknown) => {
            if (error instanceof NoSuchJobError) return undefined; // finished and removed meanwhile
            throw error;
          },
        );
        if (Array.isArray(args) && typeof args[0] === 'number') byBur.set(args[0], summary.id);
      }
    }
    return byBur;
  };
  return {
    async fate(jobId) {
      const job = await inspector.find(jobId);
      if (!job) return { state: 'missing' };
      const { state, error } = await inspector.summarize(job);
      return { state, error };
    },
    async liveJobOf(burId) {
      live ??= findLive();
      return (await live).get(burId);
    },
  };
}

/** A request this run failed. */
export interface AbandonedBur {
  burId: number;
  /** Its processing job (null: none was recorded). */
  jobId: string | null;
  /** The line that was running when the job died, if one was. */
  failedLine: number | null;
  reason: string;
}

export interface ReconcileResult {
  /** Requests processing for longer than the grace period. */
  checked: number;
  /** Of those, requests whose job still waits or runs. */
  live: number;
  failed: AbandonedBur[];
}

export interface ReconcileOptions {
  /** @defaultValue new Date() */
  now?: Date;
  /** @defaultValue BUR_PROCESSING_GRACE_SECONDS */
  graceSeconds?: number;
  /** Checked before each request: an aborted signal stops the run with its reason. */
  signal?: AbortSignal;
  /** Called after each request is failed (its transaction committed). */
  onFailed?: (failure: AbandonedBur) => void | Promise<void>;
}

async function whyAbandoned(
  db: AppPrismaClient,
  jobs: ProcessingJobs,
  bur: { id: number; processingJobId: string | null },
): Promise<string | undefined> {
  if (bur.processingJobId !== null) {
    // Committed with the approval but not relayed yet (Redis away, no worker running): it waits.
    // The outbox first: the relay adds a job to the queue before it deletes its row, so a job not
    // in the outbox now is in the queue now, or gone.
    if (await isJobStaged(db, bur.processingJobId)) return undefined;
    return deadJobReason(bur.processingJobId, await jobs.fate(bur.processingJobId));
  }
  return (await jobs.liveJobOf(bur.id)) === undefined ? NO_PROCESSING_JOB_REASON : undefined;
}

/** Fails every request processing past the grace period whose job can no longer finish it. */
export async function failAbandonedBulkUpdateRequests(
  db: AppPrismaClient,
  jobs: ProcessingJobs,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const now = options.now ?? new Date();
  const graceSeconds = options.graceSeconds ?? BUR_PROCESSING_GRACE_SECONDS;
  const candidates = await findProcessingBurs(db, new Date(now.getTime() - graceSeconds * 1000));
  const result: ReconcileResult = { checked: candidates.length, live: 0, failed: [] };
  for (const bur of candidates) {
    options.signal?.throwIfAborted();
    const reason = await whyAbandoned(db, jobs, bur);
    if (reason === undefined) {
      result.live += 1;
      continue;
    }
    const outcome = await db.$transaction(async (tx) => {
      const failed = await failAbandonedBur(tx, bur.id, bur.processingJobId, reason);
      if (!failed) return null;
      const at = failed.failedLine === null ? '' : ` at line ${failed.failedLine}`;
      await logModAction(tx, {
        creatorId: null,
        category: 'bulk_update_request_fail',
        description: `bulk update request #${bur.id} failed${at}: ${reason}`,
        subject: { type: 'BulkUpdateRequest', id: bur.id },
      });
      return failed;
    });
    if (!outcome) continue; // finished, or approved again, meanwhile
    const failure: AbandonedBur = {
      burId: bur.id,
      jobId: bur.processingJobId,
      failedLine: outcome.failedLine,
      reason,
    };
    result.failed.push(failure);
    await options.onFailed?.(failure);
  }
  return result;
}
