import { describe, expect, it } from 'vitest';
import { throughputPlot } from '../../bench/support/throughput-plot';

const rounds = [
  { round: 1, backlot: 21_700, raw: 24_114 },
  { round: 2, backlot: 22_900, raw: 23_500 },
  { round: 3, backlot: 20_100, raw: 24_800 },
];

describe('throughputPlot', () => {
  const svg = throughputPlot({
    rounds,
    ratio: 0.923,
    caption: ['2026-12-03, dist', 'npm run bench -- throughput --jobs 20000'],
  });

  it('is one SVG document with a title naming the ratio and the target', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('ratio 0.923 (target ≥ 0.9)');
  });

  it('draws two bars and a ratio dot per round, each with its figure as a tooltip', () => {
    expect(svg.match(/<title>round \d: Backlot \d+ jobs\/s<\/title>/g)).toHaveLength(3);
    expect(svg.match(/<title>round \d: raw BullMQ \d+ jobs\/s<\/title>/g)).toHaveLength(3);
    expect(svg).toContain('<title>round 1: ratio 0.900</title>');
    expect(svg).toContain('<title>round 3: ratio 0.810</title>');
  });

  it('scales bars to the tallest rate: the fastest bar is the full height', () => {
    const heights = [
      ...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#9aa7b4">/g),
    ].map((m) => Number(m[1]));
    expect(Math.max(...heights)).toBeCloseTo((24_800 / 25_000) * 220, 0);
  });

  it('writes the caption, escaped', () => {
    const escaped = throughputPlot({ rounds, ratio: 1, caption: ['a <b> & "c"'] });
    expect(escaped).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).toContain('npm run bench -- throughput --jobs 20000');
  });
});
