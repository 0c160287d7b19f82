/**
 * A small inline-SVG chart of jobs completed (green) and failed (red) per minute for one queue,
 * with totals in its caption and an accessible <title>. No script, so the pages' CSP holds.
 *
 * Example: throughputChart(throughput)  // <figure class="chart"><svg ...>
 */
import type { Throughput } from '../admin/queue-metrics';
import { html, type SafeHtml } from './html';

const WIDTH = 360;
const HEIGHT = 90;
const PAD = 4;

function path(series: readonly number[], max: number): string {
  const step = series.length > 1 ? (WIDTH - 2 * PAD) / (series.length - 1) : 0;
  return series
    .map((value, i) => {
      const x = PAD + i * step;
      const y = HEIGHT - PAD - (max > 0 ? (value / max) * (HEIGHT - 2 * PAD) : 0);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

const sum = (series: readonly number[]) => series.reduce((a, b) => a + b, 0);

export function throughputChart(t: Throughput): SafeHtml {
  const max = Math.max(1, ...t.completed, ...t.failed);
  const hours = t.minutes / 60;
  const span = Number.isInteger(hours) ? `${hours} h` : `${t.minutes} min`;
  const done = sum(t.completed);
  const failed = sum(t.failed);
  return html`<figure class="chart" data-queue="${t.queue}">
<h3>${t.queue}</h3>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-${t.queue}-title">
<title id="chart-${t.queue}-title">${t.queue}: ${done} completed and ${failed} failed in the last ${span} (peak ${max} per minute)</title>
<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#fbfcfd" stroke="#e3e6eb"/>
<path d="${path(t.completed, max)}" fill="none" stroke="#2e8b57" stroke-width="1.5"/>
<path d="${path(t.failed, max)}" fill="none" stroke="#c0392b" stroke-width="1.5"/>
</svg>
<figcaption>Last ${span}, per minute (peak ${max}): <span class="legend-completed">${done} completed</span>, <span class="legend-failed">${failed} failed</span>. All time: ${t.completedTotal} completed, ${t.failedTotal} failed.</figcaption>
</figure>`;
}
