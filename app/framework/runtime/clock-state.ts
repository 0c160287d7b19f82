/**
 * What the clock keeps in Redis, under the queue prefix:
 *
 *   <prefix>:cron:heartbeat         JSON { at, clock }: the latest beat of any clock, no expiry,
 *                                   so a dead clock shows as a stale beat rather than no beat
 *   <prefix>:cron:clocks:<host>:<pid>  JSON ClockInfo, expires 3 beats after the last one
 *   <prefix>:cron:tasks             hash: task name -> JSON TaskState of its latest tick
 *
 * A tick is claimed before it is enqueued: a Lua script moves the task's state to the new
 * scheduled time only when no clock has claimed that time yet, so of several clocks exactly one
 * enqueues each tick and the others count a duplicate on the same state (the job's
 * deterministic id is the second guard, in BullMQ itself).
 *
 * Example:
 *   if ((await claimTick(redis, prefix, 'prune_jobs', at, state)) === 'claimed') { ...enqueue... }
 *   const status = await readClockStatus(redis, prefix, tasks);  // for bin/jobs cron
 */
import { hostname } from 'node:os';
import { scanKeys, type RedisConnection } from '../redis-connection';
import { nextRuns, type ScheduledTask } from './schedule';

/** The clock beats every minute. @defaultValue 60000 ms */
export const CLOCK_HEARTBEAT_INTERVAL_MS = 60_000;
/** A heartbeat older than this means no clock is running. @defaultValue 120000 ms (2 minutes) */
export const CLOCK_STALE_AFTER_MS = 120_000;

export type TickOutcome = 'pending' | 'enqueued' | 'duplicate' | 'halted' | 'error';

/** The latest tick of one task. */
export interface TaskState {
  /** The tick's scheduled time (ISO). */
  scheduledAt: string;
  /** pending: claimed, not yet enqueued (or the claiming clock died); duplicate: an equal unique job was queued; halted: a before_enqueue callback halted. */
  outcome: TickOutcome;
  jobId: string;
  /** The clock that claimed the tick, host:pid. */
  clock: string;
  /** When the outcome was recorded (ISO). */
  at: string;
  error?: string;
  /** How many other clocks found this tick already claimed. */
  duplicates?: number;
}

export interface ClockInfo {
  clock: string;
  host: string;
  pid: number;
  startedAt: string;
  lastBeat: string;
  tasks: string[];
}

export interface TaskStatus {
  name: string;
  cron: string;
  timezone: string;
  job: string;
  /** The latest tick's scheduled time (ISO), if any clock ticked this task. */
  lastRun: string | undefined;
  lastOutcome: TickOutcome | undefined;
  error: string | undefined;
  jobId: string | undefined;
  duplicates: number;
  nextRun: string | undefined;
}

export interface ClockStatus {
  heartbeat: { at: string; clock: string; ageMs: number } | undefined;
  /** No heartbeat, or one older than CLOCK_STALE_AFTER_MS. */
  stale: boolean;
  /** Clocks that beat within their key's lifetime. */
  clocks: ClockInfo[];
  tasks: TaskStatus[];
}

export function clockId(host = hostname(), pid = process.pid): string {
  return `${host}:${pid}`;
}

export function clockKeys(prefix: string) {
  return {
    heartbeat: `${prefix}:cron:heartbeat`,
    tasks: `${prefix}:cron:tasks`,
    clock: (id: string) => `${prefix}:cron:clocks:${id}`,
  };
}

// KEYS[1] tasks hash; ARGV[1] task; ARGV[2] scheduledAt; ARGV[3] fresh state JSON.
const CLAIM = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  local state = cjson.decode(raw)
  if state.scheduledAt == ARGV[2] then
    state.duplicates = (tonumber(state.duplicates) or 0) + 1
    redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(state))
    return 'duplicate'
  elseif state.scheduledAt > ARGV[2] then
    return 'stale'
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 'claimed'`;

// KEYS[1] tasks hash; ARGV[1] task; ARGV[2] scheduledAt; ARGV[3] outcome; ARGV[4] at; ARGV[5] error or ''.
const FINISH = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local state = cjson.decode(raw)
if state.scheduledAt ~= ARGV[2] then return 0 end
state.outcome = ARGV[3]
state.at = ARGV[4]
if ARGV[5] ~= '' then state.error = ARGV[5] end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(state))
return 1`;

/**
 * Claims a tick for this clock. 'duplicate': another clock claimed this very tick; 'stale': a
 * later tick is already recorded (this clock runs behind).
 */
export async function claimTick(
  redis: RedisConnection,
  prefix: string,
  state: TaskState & { task: string },
): Promise<'claimed' | 'duplicate' | 'stale'> {
  const { task, ...fresh } = state;
  const result = await redis.eval(
    CLAIM,
    1,
    clockKeys(prefix).tasks,
    task,
    state.scheduledAt,
    JSON.stringify(fresh),
  );
  return result as 'claimed' | 'duplicate' | 'stale';
}

/** Records the outcome of a claimed tick (ignored when a later tick was claimed meanwhile). */
export async function finishTick(
  redis: RedisConnection,
  prefix: string,
  task: string,
  scheduledAt: string,
  outcome: TickOutcome,
  error?: string,
): Promise<void> {
  await redis.eval(
    FINISH,
    1,
    clockKeys(prefix).tasks,
    task,
    scheduledAt,
    outcome,
    new Date().toISOString(),
    error ?? '',
  );
}

/** Writes the shared heartbeat and this clock's own key. */
export async function writeClockHeartbeat(
  redis: RedisConnection,
  prefix: string,
  info: ClockInfo,
  intervalMs: number,
): Promise<void> {
  const keys = clockKeys(prefix);
  const ttlSeconds = Math.max(1, Math.ceil((intervalMs * 3) / 1000));
  await redis
    .multi()
    .set(keys.heartbeat, JSON.stringify({ at: info.lastBeat, clock: info.clock }))
    .set(keys.clock(info.clock), JSON.stringify(info), 'EX', ttlSeconds)
    .exec();
}

export async function removeClock(redis: RedisConnection, prefix: string, id: string): Promise<void> {
  await redis.del(clockKeys(prefix).clock(id));
}

async function liveClocks(redis: RedisConnection, prefix: string): Promise<ClockInfo[]> {
  const found: ClockInfo[] = [];
  for await (const keys of scanKeys(redis, `${prefix}:cron:clocks:*`)) {
    for (const value of await redis.mget(...keys)) if (value) found.push(JSON.parse(value) as ClockInfo);
  }
  return found.sort((a, b) => a.clock.localeCompare(b.clock));
}

/** Heartbeat, live clocks and every task's latest tick and next run, for bin/jobs cron. */
export async function readClockStatus(
  redis: RedisConnection,
  prefix: string,
  tasks: readonly ScheduledTask[],
  now = new Date(),
): Promise<ClockStatus> {
  const keys = clockKeys(prefix);
  const [beatRaw, states, clocks] = await Promise.all([
    redis.get(keys.heartbeat),
    redis.hgetall(keys.tasks),
    liveClocks(redis, prefix),
  ]);
  const beat = beatRaw ? (JSON.parse(beatRaw) as { at: string; clock: string }) : undefined;
  const heartbeat = beat ? { ...beat, ageMs: now.getTime() - Date.parse(beat.at) } : undefined;
  return {
    heartbeat,
    stale: !heartbeat || heartbeat.ageMs > CLOCK_STALE_AFTER_MS,
    clocks,
    tasks: tasks.map((task) => {
      const raw = states[task.name];
      const state = raw ? (JSON.parse(raw) as TaskState) : undefined;
      return {
        name: task.name,
        cron: task.cron,
        timezone: task.timezone,
        job: task.jobName,
        lastRun: state?.scheduledAt,
        lastOutcome: state?.outcome,
        error: state?.error,
        jobId: state?.jobId,
        duplicates: state?.duplicates ?? 0,
        nextRun: nextRuns(task, 1)[0]?.toISOString(),
      };
    }),
  };
}
