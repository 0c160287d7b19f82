/**
 * Jobs completed and failed per minute, from BullMQ's queue metrics (Queue.getMetrics), for the
 * admin charts and the /metrics totals. Workers record them only with the Worker `metrics`
 * option (see docs/architecture/web.md); without it every series is zeros.
 *
 * How BullMQ stores them: meta.count is the running total; a job finishing in a new minute pushes
 * one point per elapsed minute onto a list, newest first, so data[i] counts the jobs of minute
 * m(prevTS) - 1 - i, and count - prevCount are the jobs of minute m(prevTS) so far. perMinute
 * lays that out on the last `minutes` minutes ending now (minutes with no jobs are zeros).
 *
 * Example: const t = await queueThroughput(queue, 180); t.completed.length === 180 // oldest first
 */
import type { Queue } from 'bullmq';

export interface RawMetrics {
  meta: { count: number; prevTS: number; prevCount: number };
  data: number[];
}

export interface Throughput {
  queue: string;
  minutes: number;
  /** Jobs per minute, oldest first; the last entry is the current minute. */
  completed: number[];
  failed: number[];
  /** Running totals since metrics were first recorded. */
  completedTotal: number;
  failedTotal: number;
}

const MINUTE = 60_000;

export function perMinute(metrics: RawMetrics, now: number, minutes: number): number[] {
  const series = new Array<number>(minutes).fill(0);
  if (!metrics.meta.prevTS) return series;
  const nowMinute = Math.floor(now / MINUTE);
  const firstMinute = nowMinute - minutes + 1;
  const put = (minute: number, value: number) => {
    if (minute >= firstMinute && minute <= nowMinute) series[minute - firstMinute] = value;
  };
  const lastMinute = Math.floor(metrics.meta.prevTS / MINUTE);
  put(lastMinute, Math.max(0, metrics.meta.count - metrics.meta.prevCount));
  metrics.data.forEach((value, i) => put(lastMinute - 1 - i, value));
  return series;
}

export async function queueThroughput(queue: Queue, minutes: number, now = Date.now()): Promise<Throughput> {
  const [completed, failed] = await Promise.all([
    queue.getMetrics('completed', 0, minutes),
    queue.getMetrics('failed', 0, minutes),
  ]);
  return {
    queue: queue.name,
    minutes,
    completed: perMinute(completed, now, minutes),
    failed: perMinute(failed, now, minutes),
    completedTotal: completed.meta.count,
    failedTotal: failed.meta.count,
  };
}
