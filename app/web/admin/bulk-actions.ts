/**
 * Bulk actions on the jobs a filter (queue, state, class) matches in Redis: retry (failed and
 * canceled jobs), discard (cancel every job not finished: waiting and delayed ones are removed,
 * running ones aborted) and destroy (remove every job not running), over the framework's
 * JobInspector, i.e. BullMQ's public Job API.
 *
 * Steps: plan() reads every matching job (in batches) and keeps the ids the action applies to,
 * so the confirmation can say how many; run() plans again (the set may have moved since) and acts
 * on those ids BULK_BATCH at a time, counting what was done and what no longer applied.
 *
 * Example: const plan = await bulk.plan('retry', { state: 'failed', jobClass: 'PingJob' });
 *          await bulk.run('retry', filter, 'admin')  // { done: 12, skipped: 0 }
 */
import { JobStateError, type JobFilter, type JobInspector } from '../../framework/index';
import { NotFoundError, ValidationError } from '../errors';
import { actionsFor, type JobAction } from './job-actions';

export const BULK_ACTIONS = ['retry', 'discard', 'destroy'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Jobs acted on at once. @defaultValue 50 */
export const BULK_BATCH = 50;

/** The per-job action a bulk action is made of. */
const PER_JOB: Record<BulkAction, JobAction> = { retry: 'retry', discard: 'cancel', destroy: 'destroy' };

export function bulkActionOf(value: string): BulkAction {
  if (!(BULK_ACTIONS as readonly string[]).includes(value)) {
    throw new NotFoundError(`no bulk action "${value}" (actions: ${BULK_ACTIONS.join(', ')})`);
  }
  return value as BulkAction;
}

export interface BulkPlan {
  action: BulkAction;
  filter: JobFilter;
  /** Jobs the filter matches. */
  matched: number;
  /** Ids of the matching jobs the action applies to. */
  ids: string[];
}

export interface BulkResult {
  action: BulkAction;
  done: number;
  /** Planned jobs that were gone or had moved to a state the action does not apply to. */
  skipped: number;
}

export class BulkActions {
  constructor(private readonly inspector: JobInspector) {}

  async plan(action: BulkAction, filter: JobFilter): Promise<BulkPlan> {
    const ids: string[] = [];
    let matched = 0;
    try {
      for await (const batch of this.inspector.matching(filter)) {
        matched += batch.length;
        for (const job of batch)
          if (actionsFor(job.state, job.malformed !== undefined).includes(PER_JOB[action])) ids.push(job.id);
      }
    } catch (error) {
      if (error instanceof JobStateError) throw new ValidationError({ filter: error.message });
      throw error;
    }
    return { action, filter, matched, ids };
  }

  async run(action: BulkAction, filter: JobFilter, actor: string): Promise<BulkResult> {
    const { ids } = await this.plan(action, filter);
    let done = 0;
    for (let i = 0; i < ids.length; i += BULK_BATCH) {
      const results = await Promise.allSettled(
        ids.slice(i, i + BULK_BATCH).map((id) => this.one(action, id, actor)),
      );
      done += results.filter((r) => r.status === 'fulfilled' && r.value).length;
    }
    return { action, done, skipped: ids.length - done };
  }

  /** Acts on one job; false when it no longer applies (gone, or moved on). */
  private async one(action: BulkAction, id: string, actor: string): Promise<boolean> {
    switch (action) {
      case 'retry':
        await this.inspector.retry(id);
        return true;
      case 'discard': {
        const result = await this.inspector.cancel(id, `canceled by ${actor} (bulk discard)`);
        return result === 'removed' || result === 'signalled';
      }
      case 'destroy': {
        const job = await this.inspector.find(id);
        if (!job || (await job.getState()) === 'active') return false;
        await job.remove();
        return true;
      }
    }
  }
}
