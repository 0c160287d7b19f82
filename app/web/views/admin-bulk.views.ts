/**
 * Bulk actions on the admin jobs page: the bar of links under the filter (admins), the
 * confirmation page stating how many jobs the filter matches and how many the action touches
 * (its form carries the filter and `confirmed=yes`), and the notice once done.
 *
 * Example: bulkConfirmPage(await jobs.bulkPlan('retry', { state: 'failed', jobClass: 'PingJob' }))
 */
import type { JobFilter } from '../../framework/index';
import type { BulkAction, BulkPlan, BulkResult } from '../admin/bulk-actions';
import { csrfField } from './forms';
import { html, type SafeHtml } from './html';
import type { PageView } from './render';

export const BULK_LABELS: Record<BulkAction, string> = {
  retry: 'Retry',
  discard: 'Discard',
  destroy: 'Destroy',
};

const BULK_TEXT: Record<BulkAction, string> = {
  retry: 'Failed and canceled jobs run again now, their attempts counted afresh.',
  discard:
    'Jobs not finished are canceled: waiting and delayed ones are removed, running ones are aborted by their worker. They will not be retried.',
  destroy: 'Jobs not running are removed from Redis for good; their arguments, results and errors are lost.',
};

/** `base` with the filter as its query string (queue, state, class). */
export function jobsPath(filter: JobFilter, base = '/admin/jobs'): string {
  const query = new URLSearchParams();
  if (filter.queue) query.set('queue', filter.queue);
  if (filter.state) query.set('state', filter.state);
  if (filter.jobClass) query.set('class', filter.jobClass);
  const qs = query.toString();
  return qs ? `${base}?${qs}` : base;
}

/** "queue default, state failed, class PingJob" or "every job". */
function describe(filter: JobFilter): string {
  const parts = [
    filter.queue && `queue ${filter.queue}`,
    filter.state && `state ${filter.state}`,
    filter.jobClass && `class ${filter.jobClass}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'every queue, state and class';
}

/** Links to each bulk action's confirmation for the page's filter. */
export function bulkBar(filter: JobFilter): SafeHtml {
  return html`<p class="bulk-actions">On every job matching this filter (${describe(filter)}): ${(
    ['retry', 'discard', 'destroy'] as const
  ).map(
    (action) =>
      html`<a class="action" data-bulk="${action}" href="${jobsPath(filter, `/admin/bulk/${action}/confirm`)}">${BULK_LABELS[action]} all…</a> `,
  )}</p>`;
}

export function bulkConfirmPage(plan: BulkPlan): PageView {
  const { action, filter } = plan;
  const n = plan.ids.length;
  const label = BULK_LABELS[action];
  return (ctx) => ({
    title: `${label} ${n} job(s)?`,
    body: html`<div class="overlay" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
<div class="dialog">
<h2 id="confirm-title">${label} <span data-bulk-count>${n}</span> job(s)?</h2>
<p>The filter (${describe(filter)}) matches ${plan.matched} job(s); ${action} applies to ${n} of them.</p>
<p>${BULK_TEXT[action]}</p>
<form method="post" action="/admin/bulk/${action}">${csrfField(ctx)}<input type="hidden" name="confirmed" value="yes">
<input type="hidden" name="queue" value="${filter.queue ?? ''}"><input type="hidden" name="state" value="${filter.state ?? ''}"><input type="hidden" name="class" value="${filter.jobClass ?? ''}">
<div class="actions"><a href="${jobsPath(filter)}">Keep them</a><button type="submit" class="danger"${n === 0 ? html` disabled` : ''}>${label} ${n} job(s)</button></div>
</form>
</div>
</div>`,
  });
}

export function bulkMessage(result: BulkResult): string {
  const verb = { retry: 'retried', discard: 'discarded', destroy: 'destroyed' }[result.action];
  const skipped = result.skipped > 0 ? ` (${result.skipped} had moved on or were gone)` : '';
  return `${result.done} job(s) ${verb}${skipped}`;
}
