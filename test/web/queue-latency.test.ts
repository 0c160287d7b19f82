import { describe, expect, it } from 'vitest';
import { bucketLatency, percentile } from '../../app/web/admin/queue-latency';

describe('enqueue-to-start latency buckets', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
  });

  it('cuts the window into 12 buckets ending with the current minute, p50/p95 per bucket, null when empty', () => {
    const now = Date.UTC(2026, 11, 3, 12, 0, 30);
    const starts = [
      { startedAt: now - 1_000, waitMs: 100 },
      { startedAt: now - 2_000, waitMs: 300 },
      { startedAt: now - 3_000, waitMs: 200 },
      { startedAt: now - 165 * 60_000, waitMs: 5_000 },
      { startedAt: now - 500 * 60_000, waitMs: 9 }, // outside the window: not sampled
    ];
    const l = bucketLatency('default', starts, 180, now);
    expect(l.bucketMinutes).toBe(15);
    expect(l.p50).toHaveLength(12);
    expect(l.startMs).toBe(Date.UTC(2026, 11, 3, 9, 15));
    expect(l.p50.at(-1)).toBe(200);
    expect(l.p95.at(-1)).toBe(300);
    expect(l.p50[0]).toBe(5_000);
    expect(l.p50.slice(1, -1).every((v) => v === null)).toBe(true);
    expect(l.sampled).toBe(4);
  });
});
