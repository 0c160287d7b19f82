/**
 * Why a job a command asked to enqueue is not in its queue, for bin/jobs enqueue and
 * bin/maintenance: performLater resolves a job either way, and printing "Enqueued X (Job ID: …)"
 * for one that was never added names an id Redis does not know.
 *
 * A duplicate is no failure (an equal job is queued); a halted enqueue is.
 *
 * Example: notEnqueued(job) -> { reason: 'a duplicate of job 2401b8… (uniqueBy)', failed: false }
 *                            | { reason: 'a beforeEnqueue callback halted it', failed: true } | undefined
 */
import type { Job } from '../framework/index';

export interface NotEnqueued {
  reason: string;
  /** True when nothing equal is queued either (a beforeEnqueue callback halted it). */
  failed: boolean;
}

export function notEnqueued(job: Job): NotEnqueued | undefined {
  if (job.duplicateOf !== undefined)
    return { reason: `a duplicate of job ${job.duplicateOf} (uniqueBy)`, failed: false };
  if (!job.successfullyEnqueued) return { reason: 'a beforeEnqueue callback halted it', failed: true };
  return undefined;
}
