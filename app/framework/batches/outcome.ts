/**
 * A batch job's final outcome, counted where the worker maps outcomes to the queue (one call
 * site: the BullMQ processor, `// hook: batches`), before the queue marks the job finished.
 *
 * Steps: a final outcome maps to a state (completed/halted -> succeeded; failed/canceled ->
 * failed; discarded -> discarded); a retry, a shutdown hand-back or a lost lock is not final and
 * counts nothing. The store's finish script counts it once per job id and answers the callbacks
 * due; each is enqueued from the payload stored at create under its deterministic job id
 * (callbackJobId), then marked enqueued. A crash between the count and the mark reruns the job
 * (stalled check); its finish counts nothing new and answers the same callbacks, whose ids the
 * queue already holds: each callback job exists once.
 *
 * Example: await recordBatchOutcome(job, { status: 'completed', result: 1 })
 */
import type { Outcome } from '../execution';
import type { Job } from '../job';
import { lookupJob } from '../registry';
import { backlotSettings, queueAdapter } from '../settings';
import { batchStore, callbackJobId } from './batch';
import type { BatchCallbackName, BatchJobState, BatchStore } from './store';

/** The state a final outcome leaves a batch job in; undefined while it may still run again. */
export function finalState(outcome: Outcome): Exclude<BatchJobState, 'pending'> | undefined {
  switch (outcome.status) {
    case 'completed':
    case 'halted':
      return 'succeeded';
    case 'failed':
    case 'canceled':
      return 'failed';
    case 'discarded':
      return 'discarded';
    case 'retry':
    case 'interrupted':
    case 'lock-lost':
      return undefined;
  }
}

async function enqueueCallbacks(
  store: BatchStore,
  batchId: string,
  names: readonly BatchCallbackName[],
): Promise<void> {
  const stored = await store.read(batchId);
  for (const name of names) {
    const payload = stored?.settings.callbacks[name];
    if (!payload) continue;
    const cls = lookupJob(payload.jobClass);
    const callback = new (cls as unknown as new () => Job)().loadPayload({
      ...payload,
      jobId: callbackJobId(batchId, name),
      enqueuedAt: new Date().toISOString(),
    });
    await queueAdapter().enqueue(callback);
    backlotSettings().logger.info(
      { batchId, callback: name, jobId: callback.jobId, jobClass: callback.jobClassName },
      `Batch ${batchId}: enqueued ${name} ${callback.jobClassName} (Job ID: ${callback.jobId})`,
    );
    await store.markEnqueued(batchId, name);
  }
}

const RETRY_DELAYS_MS = [100, 400, 1600];

/**
 * Runs `step` again after a short wait when it throws (Redis briefly away): each step is safe to
 * repeat. The last error goes up; the job then fails with it, as its outcome could not be counted.
 */
async function withRetries<T>(step: () => Promise<T>): Promise<T> {
  for (const delay of RETRY_DELAYS_MS) {
    try {
      return await step();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return step();
}

/** Counts a batch job's outcome when it is final and enqueues the callbacks it made due. */
export async function recordBatchOutcome(job: Job, outcome: Outcome): Promise<void> {
  const batchId = job.batchId;
  const state = finalState(outcome);
  if (batchId === undefined || state === undefined) return;
  const store = batchStore();
  const due = await withRetries(() => store.finish(batchId, job.jobId, state));
  if (due === null) {
    backlotSettings().logger.warn(
      { batchId, jobId: job.jobId, jobClass: job.jobClassName },
      `Batch ${batchId} does not know job ${job.jobId} (expired, or never registered): its outcome is not counted`,
    );
    return;
  }
  if (due.length > 0) await withRetries(() => enqueueCallbacks(store, batchId, due));
}
