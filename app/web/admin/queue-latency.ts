/**
 * Enqueue-to-start latency of a queue's recent jobs, p50 and p95 per time bucket, for the admin
 * latency chart. BullMQ keeps no such metric, so it is computed from the most recent finished
 * jobs' hashes: start (processedOn, the last attempt's start) minus the time the job became due
 * (timestamp + delay), bucketed by start time over the last `minutes`.
 *
 * Steps: ZREVRANGE the completed and failed sets (newest LATENCY_SAMPLE each), one pipelined
 * HMGET per job, keep the starts inside the window, then percentiles per bucket (null if empty).
 * Buckets start on round times (multiples of their length), the last one holding now.
 *
 * Example: const l = await queueLatency(redis, queue, 180)  // 12 buckets of 15 min, oldest first
 */
import type { Queue } from 'bullmq';
import type { RedisConnection } from '../../framework/index';

/** Finished jobs per set (completed, failed) read for the latency chart. @defaultValue 1000 */
export const LATENCY_SAMPLE = 1000;
/** Buckets the window is cut into. @defaultValue 12 */
export const LATENCY_BUCKETS = 12;

const MINUTE = 60_000;

export interface Latency {
  queue: string;
  startMs: number;
  bucketMinutes: number;
  /** Milliseconds per bucket, oldest first; null where no job started. */
  p50: Array<number | null>;
  p95: Array<number | null>;
  /** Jobs whose start fell inside the window. */
  sampled: number;
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

export interface Start {
  startedAt: number;
  waitMs: number;
}

export function bucketLatency(
  queue: string,
  starts: readonly Start[],
  minutes: number,
  now: number,
): Latency {
  const bucketMinutes = Math.max(1, Math.ceil(minutes / LATENCY_BUCKETS));
  const buckets = Math.ceil(minutes / bucketMinutes);
  // Buckets on round times (09:00, 09:15, ...), the last one holding now.
  const bucketMs = bucketMinutes * MINUTE;
  const endMs = (Math.floor(now / bucketMs) + 1) * bucketMs;
  const startMs = endMs - buckets * bucketMs;
  const waits: number[][] = Array.from({ length: buckets }, () => []);
  let sampled = 0;
  for (const s of starts) {
    const i = Math.floor((s.startedAt - startMs) / (bucketMinutes * MINUTE));
    if (i < 0 || i >= buckets) continue;
    waits[i]?.push(s.waitMs);
    sampled++;
  }
  const sorted = waits.map((w) => w.sort((a, b) => a - b));
  return {
    queue,
    startMs,
    bucketMinutes,
    p50: sorted.map((w) => (w.length ? percentile(w, 50) : null)),
    p95: sorted.map((w) => (w.length ? percentile(w, 95) : null)),
    sampled,
  };
}

export async function recentStarts(
  client: RedisConnection,
  queue: Queue,
  sample = LATENCY_SAMPLE,
): Promise<Start[]> {
  const ids = (
    await Promise.all(['completed', 'failed'].map((set) => client.zrevrange(queue.toKey(set), 0, sample - 1)))
  ).flat();
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hmget(queue.toKey(id), 'timestamp', 'delay', 'processedOn');
  const starts: Start[] = [];
  for (const [error, reply] of (await pipeline.exec()) ?? []) {
    if (error || !Array.isArray(reply)) continue;
    const [timestamp, delay, processedOn] = (reply as Array<string | null>).map(Number);
    if (!timestamp || !processedOn) continue;
    starts.push({ startedAt: processedOn, waitMs: Math.max(0, processedOn - timestamp - (delay || 0)) });
  }
  return starts;
}

export async function queueLatency(
  client: RedisConnection,
  queue: Queue,
  minutes: number,
  now = Date.now(),
): Promise<Latency> {
  return bucketLatency(queue.name, await recentStarts(client, queue), minutes, now);
}
