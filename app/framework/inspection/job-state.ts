/**
 * The one place a job's shown state, error and attempt are derived from what BullMQ stores, so the
 * dashboard, bin/jobs and /metrics agree:
 *   - discarded: BullMQ completed it, with the processor's `{ discarded: reason }` return value;
 *   - canceled: BullMQ failed it, with a failedReason starting "canceled";
 *   - the error: none for a completed job (BullMQ keeps an earlier retry's failedReason), the
 *     discard reason for a discarded one, the failedReason otherwise (or why the data is malformed);
 *   - the attempt: a running job is on attempt attemptsMade + 1 (BullMQ counts attempts made
 *     when they end), every other job shows the attempts made.
 * countShownStates splits the completed and failed sets' counts the same way; it remembers the
 * marked ids per queue and reads only what finished since its last call (MarkedIds below).
 *
 * Example: shownState(job, await job.getState())  // 'discarded' for a discardOn-ed job
 *          await countShownStates(queue, adapter.connection)  // { waiting: 2, ..., canceled: 1 }
 */
import type { Job as BullJob, Queue } from 'bullmq';
import type { RedisConnection } from '../redis-connection';

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

/**
 * The ids of one finished set (completed or failed) carrying a mark (discarded, canceled), kept per
 * Queue object between calls so that each call reads only what finished since the last one: the
 * members scored (finishedOn) at or after the newest seen, one HGET each, then ZMSCORE of the
 * marked ids to drop those removed (retention, destroy) meanwhile. The first call reads the whole
 * set, in batches, so Redis is never held by one long call.
 */
class MarkedIds {
  private readonly ids = new Set<string>();
  private since = '-inf';

  constructor(
    private readonly setKey: string,
    private readonly field: string,
    private readonly mark: string,
  ) {}

  async count(client: RedisConnection, jobKey: (id: string) => string): Promise<number> {
    let offset = 0;
    let newest = this.since;
    for (;;) {
      const page = await client.zrangebyscore(
        this.setKey,
        this.since,
        '+inf',
        'WITHSCORES',
        'LIMIT',
        offset,
        BATCH,
      );
      if (page.length === 0) break;
      const ids = page.filter((_, i) => i % 2 === 0);
      const pipeline = client.pipeline();
      for (const id of ids) pipeline.hget(jobKey(id), this.field);
      const values = (await pipeline.exec()) ?? [];
      ids.forEach((id, i) => {
        const value = values[i]?.[1];
        if (typeof value === 'string' && value.startsWith(this.mark)) this.ids.add(id);
        else this.ids.delete(id);
      });
      offset += ids.length;
      newest = page[page.length - 1] ?? newest;
      if (ids.length < BATCH) break;
    }
    this.since = newest;
    const known = [...this.ids];
    for (let i = 0; i < known.length; i += BATCH) {
      const chunk = known.slice(i, i + BATCH);
      const scores = await client.zmscore(this.setKey, ...chunk);
      chunk.forEach((id, j) => {
        if (scores[j] === null) this.ids.delete(id);
      });
    }
    return this.ids.size;
  }
}

const BATCH = 2_000;
const marked = new WeakMap<Queue, { discarded: MarkedIds; canceled: MarkedIds }>();

/** Jobs per shown state of one queue: completed without the discarded, failed without the canceled. */
export async function countShownStates(
  queue: Queue,
  client: RedisConnection,
): Promise<Record<ShownState, number>> {
  let sets = marked.get(queue);
  if (!sets) {
    sets = {
      discarded: new MarkedIds(queue.toKey('completed'), 'returnvalue', '{"discarded":'),
      canceled: new MarkedIds(queue.toKey('failed'), 'failedReason', 'canceled'),
    };
    marked.set(queue, sets);
  }
  const jobKey = (id: string) => queue.toKey(id);
  const [counts, discarded, canceled] = await Promise.all([
    queue.getJobCounts(...JOB_STATES) as Promise<Record<StoredState, number>>,
    sets.discarded.count(client, jobKey),
    sets.canceled.count(client, jobKey),
  ]);
  return {
    ...counts,
    completed: Math.max(0, (counts.completed ?? 0) - discarded),
    failed: Math.max(0, (counts.failed ?? 0) - canceled),
    discarded,
    canceled,
  };
}
