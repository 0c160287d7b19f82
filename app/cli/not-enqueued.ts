/**
 * Why a job a command asked to enqueue is not in its queue, for bin/jobs enqueue and
 * bin/maintenance: performLater resolves a job either way, and printing "Enqueued X (Job ID: …)"
 * for one that was never added names an id Redis does not know.
 *
 * Example: notEnqueued(job) -> 'a duplicate of job 2401b8… (uniqueBy)' | 'a beforeEnqueue callback halted it' | undefined
 */
import type { Job } from '../framework/index';

export function notEnqueued(job: Job): string | undefined {
  if (job.duplicateOf !== undefined) return `a duplicate of job ${job.duplicateOf} (uniqueBy)`;
  if (!job.successfullyEnqueued) return 'a beforeEnqueue callback halted it';
  return undefined;
}
