/**
 * Worker heartbeats: each worker process keeps a Redis key `<prefix>:workers:<host>:<pid>` with
 * a TTL, rewritten every interval with its pools, running job ids and the time. A process that
 * dies stops writing and its key expires; `bin/jobs workers` lists the live ones.
 *
 * Example: const beat = startHeartbeat(redis, prefix, () => ({ pools, running: [...ids] }))
 */
import { hostname } from 'node:os';
import { scanKeys, type RedisConnection } from '../redis-connection';

export interface WorkerInfo {
  pid: number;
  host: string;
  pools: string[];
  running: string[];
  startedAt: string;
  lastBeat: string;
}

/** Heartbeat every 5 s; a key lives 3 beats. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const HEARTBEAT_TTL_SECONDS = 15;

export function workerKey(prefix: string, host = hostname(), pid = process.pid): string {
  return `${prefix}:workers:${host}:${pid}`;
}

export function startHeartbeat(
  redis: RedisConnection,
  prefix: string,
  describe: () => { pools: string[]; running: string[] },
  intervalMs = HEARTBEAT_INTERVAL_MS,
): { stop(): Promise<void>; beat(): Promise<void> } {
  const key = workerKey(prefix);
  const startedAt = new Date().toISOString();
  const beat = async () => {
    const info: WorkerInfo = {
      pid: process.pid,
      host: hostname(),
      startedAt,
      lastBeat: new Date().toISOString(),
      ...describe(),
    };
    await redis.set(key, JSON.stringify(info), 'EX', HEARTBEAT_TTL_SECONDS);
  };
  const timer = setInterval(() => void beat().catch(() => undefined), intervalMs);
  timer.unref();
  void beat().catch(() => undefined);
  return {
    beat,
    async stop() {
      clearInterval(timer);
      await redis.del(key).catch(() => undefined);
    },
  };
}

/** Every live worker under a prefix. */
export async function listWorkers(redis: RedisConnection, prefix: string): Promise<WorkerInfo[]> {
  const found: WorkerInfo[] = [];
  for await (const keys of scanKeys(redis, `${prefix}:workers:*`)) {
    const values = await redis.mget(...keys);
    for (const value of values) if (value) found.push(JSON.parse(value) as WorkerInfo);
  }
  return found.sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
}
