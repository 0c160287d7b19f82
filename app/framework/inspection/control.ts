/**
 * Framework calls to steer jobs from app code, over the configured BullMQ adapter.
 *
 * Example: await cancelJob(id) -> 'removed' | 'signalled' | 'already-finished' | 'not-found'
 */
import { BullmqAdapter } from '../adapters/bullmq/adapter';
import { JobOptionsError } from '../errors';
import type { CancelResult } from '../runtime/cancellation';
import { backlotSettings, queueAdapter } from '../settings';
import { JobInspector, type JobStatus } from './job-inspector';

function inspector(): JobInspector {
  const adapter = queueAdapter();
  if (!(adapter instanceof BullmqAdapter)) {
    throw new JobOptionsError(`cancel and status need the bullmq adapter (configured: ${adapter.name})`);
  }
  return new JobInspector(adapter, backlotSettings().queues);
}

/** Cancels a waiting or delayed job (removed) or a running one (its worker aborts perform). */
export function cancelJob(jobId: string, reason = 'canceled'): Promise<CancelResult> {
  return inspector().cancel(jobId, reason);
}

export function jobStatus(jobId: string): Promise<JobStatus> {
  return inspector().status(jobId);
}
