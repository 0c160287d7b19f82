import { describe, expect, it } from 'vitest';
import { perMinute } from '../../app/web/admin/queue-metrics';

const MINUTE = 60_000;
const now = Date.UTC(2026, 0, 1, 12, 0, 30);

describe('perMinute: BullMQ metrics laid out on the last N minutes', () => {
  it('is all zeros before any job finished', () => {
    expect(perMinute({ meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [] }, now, 5)).toEqual([
      0, 0, 0, 0, 0,
    ]);
  });

  it('puts the pending count in the minute of prevTS and data[i] i+1 minutes before it', () => {
    // prevTS this minute: 2 jobs so far (count 12 - prevCount 10); 3, 0 and 4 in the three minutes before.
    const series = perMinute(
      { meta: { count: 12, prevTS: now - 10_000, prevCount: 10 }, data: [3, 0, 4] },
      now,
      5,
    );
    expect(series).toEqual([0, 4, 0, 3, 2]);
  });

  it('leaves the minutes since prevTS at zero and drops points older than the window', () => {
    const series = perMinute(
      { meta: { count: 5, prevTS: now - 2 * MINUTE, prevCount: 4 }, data: [7, 8, 9, 10] },
      now,
      4,
    );
    // minutes: now-3, now-2 (prevTS: 1 pending), now-1, now
    expect(series).toEqual([7, 1, 0, 0]);
  });
});
