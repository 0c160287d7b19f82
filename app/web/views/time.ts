/**
 * Times and durations as every page shows them: in UTC, always inside <time datetime="…"> so a
 * script or a test reads the exact instant. In full "2026-12-06 21:21:23 UTC"; `short` gives
 * "12-06 21:21:58" for a table cell, the full time in its title. Durations read "4 ms" or "1.5 s".
 *
 * Example: html`<dd>${time(post.createdAt)}</dd><td>${time(job.finishedAt, true)}</td>`
 */
import { html, type SafeHtml } from './html';

/** A Date or an ISO timestamp; nothing for a missing one. */
export function time(value: Date | string | null | undefined, short = false): SafeHtml {
  if (!value) return html``;
  const iso = typeof value === 'string' ? value : value.toISOString();
  const full = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  return short
    ? html`<time datetime="${iso}" title="${full}">${full.slice(5, 19)}</time>`
    : html`<time datetime="${iso}">${full}</time>`;
}

/** Milliseconds as "12 ms" below a second, "1.5 s" from there. */
export function durationText(ms: number): string {
  const rounded = Math.round(ms);
  return rounded < 1000 ? `${rounded} ms` : `${(ms / 1000).toFixed(1)} s`;
}
