/**
 * The Redis side of concurrency keys: one sorted set of holders per key (member = job id, score =
 * when the slot expires) and one list of parked job ids per key, changed only by Lua scripts, so
 * every worker process sees one count.
 *
 * - acquire: drops expired holders; a job already holding (its rerun after a crash) keeps its
 *   slot; else takes one when fewer than `to` are held.
 * - park: called once the job sits in the delayed set; if a slot freed meanwhile it answers 1
 *   (the caller promotes itself), else appends the job to the key's parked list. Checking after
 *   parking closes the gap where a release between a failed acquire and the park would be missed.
 * - release: frees the job's slot and pops the next parked job id, which the caller promotes.
 *
 * Keys: <prefix>:<queue>:concurrency:<key>:holders and ...:parked, each expiring `duration` after
 * its last write, so a key nobody uses leaves nothing behind.
 *
 * Example: await semaphore.acquire(keys, jobId, 1, 180_000) // true: run now
 */
import type { RedisConnection } from '../redis-connection';

const ACQUIRE = `
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return 1
end
return 0`;

const PARK = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[3]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then return 1 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 0`;

const RELEASE = `
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
return redis.call('LPOP', KEYS[2])`;

export interface SemaphoreKeys {
  holders: string;
  parked: string;
}

export function semaphoreKeys(prefix: string, queue: string, key: string): SemaphoreKeys {
  const base = `${prefix}:${queue}:concurrency:${key}`;
  return { holders: `${base}:holders`, parked: `${base}:parked` };
}

interface SemaphoreCommands {
  backlotSemaphoreAcquire(holders: string, ...args: (string | number)[]): Promise<number>;
  backlotSemaphorePark(holders: string, parked: string, ...args: (string | number)[]): Promise<number>;
  backlotSemaphoreRelease(holders: string, parked: string, jobId: string): Promise<string | null>;
}

/** The scripts as ioredis commands: sent once, then run by their SHA (EVALSHA). */
function withCommands(redis: RedisConnection): RedisConnection & SemaphoreCommands {
  const commands = redis as RedisConnection & Partial<SemaphoreCommands>;
  if (!commands.backlotSemaphoreAcquire) {
    redis.defineCommand('backlotSemaphoreAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    redis.defineCommand('backlotSemaphorePark', { numberOfKeys: 2, lua: PARK });
    redis.defineCommand('backlotSemaphoreRelease', { numberOfKeys: 2, lua: RELEASE });
  }
  return commands as RedisConnection & SemaphoreCommands;
}

export class ConcurrencySemaphore {
  private readonly redis: RedisConnection & SemaphoreCommands;

  constructor(redis: RedisConnection) {
    this.redis = withCommands(redis);
  }

  async acquire(keys: SemaphoreKeys, jobId: string, to: number, durationMs: number): Promise<boolean> {
    return (await this.redis.backlotSemaphoreAcquire(keys.holders, jobId, to, Date.now(), durationMs)) === 1;
  }

  /** True when a slot freed while the job was being parked: promote it at once. */
  async park(keys: SemaphoreKeys, jobId: string, to: number, durationMs: number): Promise<boolean> {
    const free = await this.redis.backlotSemaphorePark(
      keys.holders,
      keys.parked,
      jobId,
      to,
      Date.now(),
      durationMs,
    );
    return free === 1;
  }

  /** Frees jobId's slot (none for '') and returns the next parked job id, if any. */
  release(keys: SemaphoreKeys, jobId: string): Promise<string | null> {
    return this.redis.backlotSemaphoreRelease(keys.holders, keys.parked, jobId);
  }

  /** Holders of a key, live ones only (for specs and inspection). */
  async holders(keys: SemaphoreKeys): Promise<string[]> {
    return this.redis.zrangebyscore(keys.holders, Date.now(), '+inf');
  }
}
