/**
 * Inline-SVG line charts with axes: a y axis with three labelled ticks (0, half, peak) and an x
 * axis with times (UTC, HH:MM) under ticks on round times (at most seven). Two uses: jobs completed
 * (green) and failed (red) per minute for one queue, and the enqueue-to-start latency p50/p95 of
 * its recent jobs. A series may have gaps (null: no jobs in that bucket). No script, so the
 * pages' CSP holds; the SVG scales to its box (viewBox, width 100 % in the stylesheet).
 *
 * Example: throughputChart(throughput, Date.now())  // <figure class="chart"><svg ...>
 */
import type { Latency } from '../admin/queue-latency';
import type { Throughput } from '../admin/queue-metrics';
import { html, type SafeHtml } from './html';

const WIDTH = 480;
const HEIGHT = 160;
const LEFT = 44;
const RIGHT = 18;
const TOP = 8;
const BOTTOM = 22;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;
const X_TICKS = 6;
/** Tick spacings tried, smallest first, until at most X_TICKS fit. */
const TICK_MINUTES = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720];

export interface Series {
  label: string;
  color: string;
  /** One value per bucket, oldest first; null where there is nothing to draw. */
  values: ReadonlyArray<number | null>;
}

export interface TimeChart {
  id: string;
  title: string;
  /** Start of the first bucket and the length of each, in ms. */
  startMs: number;
  stepMs: number;
  series: Series[];
  /** How y values are labelled (e.g. "12" or "1.2 s"). */
  formatY: (value: number) => string;
  /** The y axis reaches at least this. @defaultValue 1 */
  minPeak?: number;
}

/** Buckets whose start falls on a round time (every 30 min over 3 h), at most X_TICKS + 1. */
export function timeTicks(startMs: number, stepMs: number, n: number): number[] {
  const spanMinutes = ((n - 1) * stepMs) / 60_000;
  const every = (TICK_MINUTES.find((m) => spanMinutes / m <= X_TICKS) ?? 1440) * 60_000;
  const ticks: number[] = [];
  for (let i = 0; i < n; i++) if ((startMs + i * stepMs) % every === 0) ticks.push(i);
  return ticks;
}

const x = (i: number, n: number) => LEFT + (n > 1 ? (i / (n - 1)) * PLOT_W : PLOT_W / 2);
const y = (value: number, max: number) => TOP + PLOT_H - (max > 0 ? (value / max) * PLOT_H : 0);

/** An SVG path over the series, lifting the pen over gaps. */
function path(values: ReadonlyArray<number | null>, max: number): string {
  let pen = 'M';
  const parts: string[] = [];
  values.forEach((value, i) => {
    if (value === null) {
      pen = 'M';
      return;
    }
    parts.push(`${pen}${x(i, values.length).toFixed(1)},${y(value, max).toFixed(1)}`);
    pen = 'L';
  });
  return parts.join(' ');
}

/** A dot on each point with no neighbour, so a lone bucket still shows. */
function dots(s: Series, max: number): SafeHtml {
  const n = s.values.length;
  return html`${s.values.map((v, i) =>
    v !== null && (s.values[i - 1] ?? null) === null && (s.values[i + 1] ?? null) === null
      ? html`<circle cx="${x(i, n).toFixed(1)}" cy="${y(v, max).toFixed(1)}" r="2.5" fill="${s.color}"/>`
      : '',
  )}`;
}

/** "14:05" in UTC. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

export function timeChart(c: TimeChart): SafeHtml {
  const n = Math.max(...c.series.map((s) => s.values.length), 1);
  const values = c.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(c.minPeak ?? 1, ...values);
  const yTicks = [0, max / 2, max];
  const xTicks = timeTicks(c.startMs, c.stepMs, n);
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${c.id}-title" class="time-chart">
<title id="${c.id}-title">${c.title}</title>
<rect x="${LEFT}" y="${TOP}" width="${PLOT_W}" height="${PLOT_H}" fill="#fbfcfd" stroke="#e3e6eb"/>
${yTicks.map(
  (v) =>
    html`<line x1="${LEFT - 3}" x2="${LEFT + PLOT_W}" y1="${y(v, max).toFixed(1)}" y2="${y(v, max).toFixed(1)}" stroke="#e3e6eb"/><text x="${LEFT - 5}" y="${(y(v, max) + 3).toFixed(1)}" text-anchor="end" font-size="10" fill="#555">${c.formatY(v)}</text>`,
)}
${xTicks.map(
  (i) =>
    html`<line x1="${x(i, n).toFixed(1)}" x2="${x(i, n).toFixed(1)}" y1="${TOP + PLOT_H}" y2="${TOP + PLOT_H + 4}" stroke="#888"/><text class="x-label" x="${x(i, n).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle" font-size="10" fill="#555">${clock(c.startMs + i * c.stepMs)}</text>`,
)}
${c.series.map(
  (s) =>
    html`<path d="${path(s.values, max)}" fill="none" stroke="${s.color}" stroke-width="1.5"><title>${s.label}</title></path>${dots(s, max)}`,
)}
</svg>`;
}

const sum = (series: readonly number[]) => series.reduce((a, b) => a + b, 0);
const MINUTE = 60_000;

function span(minutes: number): string {
  const hours = minutes / 60;
  return Number.isInteger(hours) ? `${hours} h` : `${minutes} min`;
}

function count(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

export function throughputChart(t: Throughput, now = Date.now()): SafeHtml {
  const done = sum(t.completed);
  const failed = sum(t.failed);
  const peak = Math.max(1, ...t.completed, ...t.failed);
  const startMs = (Math.floor(now / MINUTE) - t.minutes + 1) * MINUTE;
  return html`<figure class="chart" data-queue="${t.queue}">
<h3>${t.queue}: jobs per minute</h3>
${timeChart({
  id: `chart-${t.queue}`,
  title: `${t.queue}: ${done} completed and ${failed} failed in the last ${span(t.minutes)} (peak ${peak} per minute)`,
  startMs,
  stepMs: MINUTE,
  formatY: count,
  series: [
    { label: 'completed', color: '#2e8b57', values: t.completed },
    { label: 'failed', color: '#c0392b', values: t.failed },
  ],
})}
<figcaption>Last ${span(t.minutes)}, UTC, per minute (peak ${peak}): <span class="legend-completed">${done} completed</span>, <span class="legend-failed">${failed} failed</span>. All time: ${t.completedTotal} completed, ${t.failedTotal} failed.</figcaption>
</figure>`;
}

export function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function latencyChart(l: Latency): SafeHtml {
  const last = (values: ReadonlyArray<number | null>) => [...values].reverse().find((v) => v !== null);
  const p50 = last(l.p50);
  const p95 = last(l.p95);
  const now =
    p50 === undefined || p50 === null
      ? 'no jobs started'
      : `latest p50 ${seconds(p50)}, p95 ${seconds(p95 ?? p50)}`;
  return html`<figure class="chart latency" data-latency-queue="${l.queue}">
<h3>${l.queue}: enqueue to start</h3>
${timeChart({
  id: `latency-${l.queue}`,
  title: `${l.queue}: wait from enqueue (or due time) to start, p50 and p95 per ${l.bucketMinutes} min, ${l.sampled} recent jobs (${now})`,
  startMs: l.startMs,
  stepMs: l.bucketMinutes * MINUTE,
  formatY: seconds,
  minPeak: 1000,
  series: [
    { label: 'p50', color: '#2c6fb7', values: l.p50 },
    { label: 'p95', color: '#d68910', values: l.p95 },
  ],
})}
<figcaption>UTC, per ${l.bucketMinutes} min, from the ${l.sampled} most recent finished jobs: <span class="legend-p50">p50</span>, <span class="legend-p95">p95</span> (${now}).</figcaption>
</figure>`;
}
