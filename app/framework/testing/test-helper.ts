/**
 * Test helpers for app code (ActiveJob::TestHelper): jobs go to the TestAdapter and are asserted
 * on, or performed, without Redis.
 *
 * Example:
 *   const jobs = useTestAdapter();
 *   await user.destroy();
 *   assertEnqueuedWith({ job: DeleteFavoritesJob, args: [user] });
 *   await performEnqueuedJobs();
 */
import { isDeepStrictEqual } from 'node:util';
import { TestAdapter, type EnqueuedJob } from '../adapters/test';
import { AssertionFailedError } from '../errors';
import { executeJob } from '../execution';
import type { AnyJobClass } from '../job';
import { freshCopy } from '../adapters/inline';
import { jobNameOf } from '../registry';
import { backlotSettings, configureBacklot } from '../settings';

/** Installs a fresh TestAdapter and returns it. */
export function useTestAdapter(): TestAdapter {
  const adapter = new TestAdapter();
  configureBacklot({ adapter });
  return adapter;
}

function adapter(): TestAdapter {
  const current = backlotSettings().adapter;
  if (!(current instanceof TestAdapter)) {
    throw new AssertionFailedError('the test helpers need the test adapter: call useTestAdapter() first');
  }
  return current;
}

export interface EnqueuedFilter {
  job?: AnyJobClass;
  args?: unknown[];
  queue?: string;
  /** Scheduled time (Date or ms); matched to the millisecond. */
  at?: Date | number;
  priority?: number;
}

function describeEnqueued(list: readonly EnqueuedJob[]): string {
  if (list.length === 0) return 'no jobs were enqueued';
  return `enqueued: ${list.map((e) => `${e.jobClass}(${JSON.stringify(e.job.serializedArguments)}) on ${e.queue}`).join('; ')}`;
}

function matches(entry: EnqueuedJob, filter: EnqueuedFilter): boolean {
  if (filter.job && entry.jobClass !== jobNameOf(filter.job)) return false;
  if (filter.queue !== undefined && entry.queue !== filter.queue) return false;
  if (filter.priority !== undefined && entry.priority !== filter.priority) return false;
  if (filter.at !== undefined) {
    const at = filter.at instanceof Date ? filter.at.getTime() : filter.at;
    if (entry.at !== at) return false;
  }
  if (filter.args !== undefined && !isDeepStrictEqual(entry.arguments, filter.args)) return false;
  return true;
}

export function enqueuedJobs(filter: EnqueuedFilter = {}): EnqueuedJob[] {
  return adapter().enqueued.filter((e) => matches(e, filter));
}

/** Asserts how many jobs (matching the filter) are enqueued. */
export function assertEnqueuedJobs(count: number, filter: EnqueuedFilter = {}): void {
  const found = enqueuedJobs(filter);
  if (found.length !== count) {
    throw new AssertionFailedError(
      `expected ${count} enqueued job(s), found ${found.length}; ${describeEnqueued(adapter().enqueued)}`,
    );
  }
}

/** Asserts that a job matching the filter is enqueued; returns it. */
export function assertEnqueuedWith(filter: EnqueuedFilter): EnqueuedJob {
  const found = enqueuedJobs(filter)[0];
  if (!found) {
    const wanted = { ...filter, job: filter.job ? jobNameOf(filter.job) : undefined };
    throw new AssertionFailedError(
      `no enqueued job matches ${JSON.stringify(wanted)}; ${describeEnqueued(adapter().enqueued)}`,
    );
  }
  return found;
}

export function assertNoEnqueuedJobs(filter: EnqueuedFilter = {}): void {
  assertEnqueuedJobs(0, filter);
}

/**
 * Performs enqueued jobs, as a worker would (arguments round-trip, retries re-enqueued and
 * performed too), until none is left. With a block, performs only the jobs the block enqueues.
 * Resolves the number of executions.
 */
export async function performEnqueuedJobs(block?: () => Promise<unknown>, limit = 1_000): Promise<number> {
  const test = adapter();
  const skip = block ? test.enqueued.length : 0;
  if (block) await block();
  const pending = test.enqueued.splice(skip);
  let performed = 0;
  while (pending.length > 0) {
    const entry = pending.shift() as EnqueuedJob;
    if (++performed > limit)
      throw new AssertionFailedError(`performEnqueuedJobs stopped after ${limit} executions (a job loop?)`);
    const before = test.enqueued.length;
    const job = freshCopy(entry.job);
    const outcome = await executeJob(job);
    test.performed.push(entry);
    pending.push(...test.enqueued.splice(before));
    if (outcome.status === 'retry') pending.push({ ...entry, job, at: Date.now() + outcome.delayMs });
    if (outcome.status === 'failed') throw outcome.error;
  }
  return performed;
}
