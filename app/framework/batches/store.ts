/**
 * The Redis side of batches: one hash of counters and settings per batch and one hash of its
 * jobs' states, both under the batch's own hash tag `{<prefix>:batch:<id>}` (the prefix without
 * its braces), so every script touches one slot and stays Redis Cluster-safe. Changed only by
 * Lua scripts, so every worker process on every host sees one count.
 *
 * - register: adds job ids as pending (an id already there is not counted twice); refuses once the
 *   batch finished. The batch's settings (description, callbacks) are written on the first call.
 * - finish: a job's final outcome. The first report of a job moves it from pending to its state;
 *   a second one (the finishing step retried after a crash) changes no count. Then, atomically,
 *   the callbacks that became due are claimed (`due:<name>`) and every claimed callback not yet
 *   marked enqueued is returned, so a retried finishing step enqueues it again under the same
 *   deterministic job id (the queue keeps one job per id).
 * - markEnqueued: the callback's job is in its queue; no later finish returns it.
 * - forget: jobs registered but never enqueued (their enqueue failed) leave the count.
 *
 * Example: await store.finish('batch-3f…', '9ac…', 'succeeded') // ['onSuccess', 'onComplete']
 */
import type { Redis } from 'ioredis';
import type { JobPayload } from '../job-payload';

export type BatchJobState = 'pending' | 'succeeded' | 'failed' | 'discarded';
export type BatchCallbackName = 'onSuccess' | 'onComplete' | 'onDiscard';
export const BATCH_CALLBACKS: readonly BatchCallbackName[] = ['onSuccess', 'onComplete', 'onDiscard'];

/** How long a batch's keys live after their last write. */
export const BATCH_TTL_MS = 7 * 24 * 3600 * 1000;

// KEYS[1] batch hash, KEYS[2] jobs hash; ARGV: ttl, now, settings JSON ('' = the batch must exist), job ids...
const REGISTER = `
if redis.call('HEXISTS', KEYS[1], 'finishedAt') == 1 then return -1 end
if ARGV[3] == '' and redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
if ARGV[3] ~= '' and redis.call('HSETNX', KEYS[1], 'settings', ARGV[3]) == 1 then
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[2], 'total', 0, 'pending', 0, 'succeeded', 0, 'failed', 0, 'discarded', 0)
end
local added = 0
for i = 4, #ARGV do
  added = added + redis.call('HSETNX', KEYS[2], ARGV[i], 'pending')
end
redis.call('HINCRBY', KEYS[1], 'total', added)
redis.call('HINCRBY', KEYS[1], 'pending', added)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return added`;

// KEYS[1] batch hash, KEYS[2] jobs hash; ARGV: job id, state, ttl, now
const FINISH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local current = redis.call('HGET', KEYS[2], ARGV[1])
if current == 'pending' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'pending', -1)
  redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
  if ARGV[2] == 'discarded' then redis.call('HSETNX', KEYS[1], 'due:onDiscard', ARGV[4]) end
  if tonumber(redis.call('HGET', KEYS[1], 'pending')) == 0 then
    redis.call('HSETNX', KEYS[1], 'finishedAt', ARGV[4])
    redis.call('HSETNX', KEYS[1], 'due:onComplete', ARGV[4])
    local failed = tonumber(redis.call('HGET', KEYS[1], 'failed'))
    local discarded = tonumber(redis.call('HGET', KEYS[1], 'discarded'))
    if failed == 0 and discarded == 0 then redis.call('HSETNX', KEYS[1], 'due:onSuccess', ARGV[4]) end
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
elseif not current then
  return false
end
local due = {}
for _, name in ipairs({'onSuccess', 'onComplete', 'onDiscard'}) do
  if redis.call('HEXISTS', KEYS[1], 'due:' .. name) == 1 and redis.call('HEXISTS', KEYS[1], 'enqueued:' .. name) == 0 then
    table.insert(due, name)
  end
end
return due`;

// KEYS[1] batch hash; ARGV: callback name, now
const MARK_ENQUEUED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'enqueued:' .. ARGV[1], ARGV[2])`;

// KEYS[1] batch hash, KEYS[2] jobs hash; ARGV: job ids...
const FORGET = `
local removed = 0
for i = 1, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == 'pending' then
    redis.call('HDEL', KEYS[2], ARGV[i])
    removed = removed + 1
  end
end
redis.call('HINCRBY', KEYS[1], 'total', -removed)
redis.call('HINCRBY', KEYS[1], 'pending', -removed)
return removed`;

/** What a batch stores besides its counts: written once, by the first add(). */
export interface BatchSettings {
  description?: string;
  callbacks: Partial<Record<BatchCallbackName, JobPayload>>;
}

export interface BatchKeys {
  batch: string;
  jobs: string;
}

/** `{backlot:batch:<id>}` and `{backlot:batch:<id>}:jobs` for the prefix '{backlot}'. */
export function batchKeys(prefix: string, id: string): BatchKeys {
  const tag = `{${prefix.replace(/[{}]/g, '')}:batch:${id}}`;
  return { batch: tag, jobs: `${tag}:jobs` };
}

/** The SCAN pattern of every batch key under a prefix (test clean-up). */
export function batchKeyPattern(prefix: string): string {
  return `{${prefix.replace(/[{}]/g, '')}:batch:*`;
}

interface BatchCommands {
  backlotBatchRegister(batch: string, jobs: string, ...args: (string | number)[]): Promise<number>;
  backlotBatchFinish(batch: string, jobs: string, ...args: (string | number)[]): Promise<string[] | null>;
  backlotBatchMarkEnqueued(batch: string, name: string, now: number): Promise<number>;
  backlotBatchForget(batch: string, jobs: string, ...ids: string[]): Promise<number>;
}

function withCommands(redis: Redis): Redis & BatchCommands {
  const commands = redis as Redis & Partial<BatchCommands>;
  if (!commands.backlotBatchRegister) {
    redis.defineCommand('backlotBatchRegister', { numberOfKeys: 2, lua: REGISTER });
    redis.defineCommand('backlotBatchFinish', { numberOfKeys: 2, lua: FINISH });
    redis.defineCommand('backlotBatchMarkEnqueued', { numberOfKeys: 1, lua: MARK_ENQUEUED });
    redis.defineCommand('backlotBatchForget', { numberOfKeys: 2, lua: FORGET });
  }
  return commands as Redis & BatchCommands;
}

/** A batch as stored: counts, times and each callback's state. */
export interface StoredBatch {
  id: string;
  description?: string;
  createdAt: string;
  finishedAt?: string;
  total: number;
  pending: number;
  succeeded: number;
  failed: number;
  discarded: number;
  /** Per callback the batch has: 'waiting' (not due yet), 'due' (claimed) or 'enqueued'. */
  callbacks: Partial<Record<BatchCallbackName, 'waiting' | 'due' | 'enqueued'>>;
  settings: BatchSettings;
}

function isoOf(ms: string | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(Number(ms)).toISOString();
}

export class BatchStore {
  private readonly redis: Redis & BatchCommands;

  constructor(
    redis: Redis,
    readonly prefix: string,
  ) {
    this.redis = withCommands(redis);
  }

  /**
   * Adds the job ids as pending; resolves how many were new, -1 when the batch already finished,
   * -2 when `settings` is undefined (a handle on an existing batch) and there is no such batch.
   */
  register(id: string, settings: BatchSettings | undefined, jobIds: readonly string[]): Promise<number> {
    const keys = batchKeys(this.prefix, id);
    return this.redis.backlotBatchRegister(
      keys.batch,
      keys.jobs,
      BATCH_TTL_MS,
      Date.now(),
      settings ? JSON.stringify(settings) : '',
      ...jobIds,
    );
  }

  /** Records a job's final state; resolves the callbacks to enqueue now (null: not a job of the batch). */
  async finish(
    id: string,
    jobId: string,
    state: Exclude<BatchJobState, 'pending'>,
  ): Promise<BatchCallbackName[] | null> {
    const keys = batchKeys(this.prefix, id);
    const due = await this.redis.backlotBatchFinish(
      keys.batch,
      keys.jobs,
      jobId,
      state,
      BATCH_TTL_MS,
      Date.now(),
    );
    return (due ?? null) as BatchCallbackName[] | null;
  }

  async markEnqueued(id: string, name: BatchCallbackName): Promise<void> {
    await this.redis.backlotBatchMarkEnqueued(batchKeys(this.prefix, id).batch, name, Date.now());
  }

  async forget(id: string, jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const keys = batchKeys(this.prefix, id);
    await this.redis.backlotBatchForget(keys.batch, keys.jobs, ...jobIds);
  }

  /** The stored batch, or undefined when there is none by that id (or it expired). */
  async read(id: string): Promise<StoredBatch | undefined> {
    const fields = await this.redis.hgetall(batchKeys(this.prefix, id).batch);
    if (!fields.settings) return undefined;
    const settings = JSON.parse(fields.settings) as BatchSettings;
    const count = (name: string) => Number(fields[name] ?? 0);
    const callbacks: StoredBatch['callbacks'] = {};
    for (const name of BATCH_CALLBACKS) {
      if (!settings.callbacks[name]) continue;
      callbacks[name] = fields[`enqueued:${name}`] ? 'enqueued' : fields[`due:${name}`] ? 'due' : 'waiting';
    }
    const batch: StoredBatch = {
      id,
      createdAt: isoOf(fields.createdAt) ?? '',
      total: count('total'),
      pending: count('pending'),
      succeeded: count('succeeded'),
      failed: count('failed'),
      discarded: count('discarded'),
      callbacks,
      settings,
    };
    if (settings.description !== undefined) batch.description = settings.description;
    const finishedAt = isoOf(fields.finishedAt);
    if (finishedAt) batch.finishedAt = finishedAt;
    return batch;
  }

  /** Each job id of the batch with its state. */
  async jobs(id: string): Promise<Record<string, BatchJobState>> {
    return (await this.redis.hgetall(batchKeys(this.prefix, id).jobs)) as Record<string, BatchJobState>;
  }
}
