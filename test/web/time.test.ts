import { describe, expect, it } from 'vitest';
import { durationText, time } from '../../app/web/views/time';

describe('times and durations on every page', () => {
  const instant = new Date('2026-12-06T21:21:23.329Z');

  it('shows a time in full in UTC, the exact instant in its datetime attribute', () => {
    expect(time(instant).value).toBe(
      '<time datetime="2026-12-06T21:21:23.329Z">2026-12-06 21:21:23 UTC</time>',
    );
    expect(time('2026-12-06T21:21:23.329Z').value).toBe(time(instant).value);
  });

  it('shortens a table cell\'s time to "MM-DD HH:MM:SS", the full time in its title', () => {
    expect(time(instant, true).value).toBe(
      '<time datetime="2026-12-06T21:21:23.329Z" title="2026-12-06 21:21:23 UTC">12-06 21:21:23</time>',
    );
  });

  it('shows nothing for a missing time', () => {
    for (const missing of [null, undefined, '']) expect(time(missing).value).toBe('');
  });

  it('reads a duration in milliseconds below a second and in seconds from there', () => {
    expect([
      durationText(0),
      durationText(4.4),
      durationText(999),
      durationText(999.6),
      durationText(1000),
      durationText(61_250),
    ]).toEqual(['0 ms', '4 ms', '999 ms', '1.0 s', '1.0 s', '61.3 s']);
  });
});
