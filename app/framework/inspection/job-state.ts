/**
 * The one place a job's shown state, error and attempt are derived from what BullMQ stores, so the
 * dashboard, bin/jobs and /metrics agree:
 *   - discarded: BullMQ completed it, with the processor's `{ discarded: reason }` return value;
 *   - canceled: BullMQ failed it, with a failedReason starting "canceled";
 *   - the error: none for a completed job (BullMQ keeps an earlier retry's failedReason), the
 *     discard reason for a discarded one, the failedReason otherwise (or why the data is malformed);
 *   - the attempt: a running job is on attempt attemptsMade + 1 (BullMQ counts attempts made
 *     when they end), every other job shows the attempts made.
 * countShownStates splits the completed and failed sets' counts the same way, in one Lua call
 * per queue (the job keys read are the queue's own, named by queue.toKey, so they share its slot).
 *
 * Example: shownState(job, await job.getState())  // 'discarded' for a discardOn-ed job
 *          await countShownStates(queue, adapter.connection)  // { waiting: 2, ..., canceled: 1 }
 */
import type { Job as BullJob, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** The states BullMQ keeps jobs in (its sets and lists). */
export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;
export type StoredState = (typeof JOB_STATES)[number];

/** The states a job is shown in: BullMQ's, with discarded and canceled told apart. */
export const SHOWN_STATES = [...JOB_STATES, 'discarded', 'canceled'] as const;
export type ShownState = (typeof SHOWN_STATES)[number];
export type JobState = ShownState | 'unknown';

/** The BullMQ state a shown state lives in. */
export function storedStateOf(state: ShownState): StoredState {
  if (state === 'discarded') return 'completed';
  if (state === 'canceled') return 'failed';
  return state;
}

export function isShownState(value: string): value is ShownState {
  return (SHOWN_STATES as readonly string[]).includes(value);
}

export function isCanceled(job: BullJob): boolean {
  return typeof job.failedReason === 'string' && job.failedReason.startsWith('canceled');
}

/** The discard reason of a job the processor discarded (its `{ discarded }` return value). */
export function discardReasonOf(job: BullJob): string | undefined {
  const value = job.returnvalue as { discarded?: unknown } | null | undefined;
  return value && typeof value === 'object' && typeof value.discarded === 'string'
    ? value.discarded
    : undefined;
}

export function shownState(job: BullJob, stored: string): JobState {
  if (stored === 'failed' && isCanceled(job)) return 'canceled';
  if (stored === 'completed' && discardReasonOf(job) !== undefined) return 'discarded';
  return isShownState(stored) ? stored : 'unknown';
}

export function shownError(job: BullJob, state: JobState, malformed: string | undefined): string | undefined {
  if (state === 'completed') return undefined;
  if (state === 'discarded') return discardReasonOf(job);
  return job.failedReason || malformed;
}

export function shownAttempts(job: BullJob, state: JobState): number {
  return state === 'active' ? Math.max(job.attemptsStarted ?? 0, job.attemptsMade + 1) : job.attemptsMade;
}

const COUNT_SPLIT = `
local function count(setKey, field, mark)
  local n = 0
  for _, id in ipairs(redis.call('ZRANGE', setKey, 0, -1)) do
    local v = redis.call('HGET', ARGV[1] .. id, field)
    if v and string.find(v, mark, 1, true) == 1 then n = n + 1 end
  end
  return n
end
return { count(KEYS[1], 'returnvalue', '{"discarded":'), count(KEYS[2], 'failedReason', 'canceled') }`;

/** Jobs per shown state of one queue: completed without the discarded, failed without the canceled. */
export async function countShownStates(queue: Queue, client: Redis): Promise<Record<ShownState, number>> {
  const [counts, split] = await Promise.all([
    queue.getJobCounts(...JOB_STATES) as Promise<Record<StoredState, number>>,
    client.eval(COUNT_SPLIT, 2, queue.toKey('completed'), queue.toKey('failed'), queue.toKey('')) as Promise<
      [number, number]
    >,
  ]);
  const [discarded, canceled] = split;
  return {
    ...counts,
    completed: Math.max(0, (counts.completed ?? 0) - discarded),
    failed: Math.max(0, (counts.failed ?? 0) - canceled),
    discarded,
    canceled,
  };
}
