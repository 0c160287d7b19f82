/**
 * "Retry all failed" on a job history search (admins): the link above the results, the
 * confirmation (how many jobs match, how many are retried in place, enqueued again as new jobs,
 * left alone, cannot be re-run, and how many remain beyond this action's limit; its form carries
 * the search and `confirmed=yes`), and the notice once done.
 *
 * Example: sendPage(req, res, historyRetryConfirmPage(query, plan))
 */
import type { HistoryQuery, HistoryRetryPlan, HistoryRetryResult } from '../../services/job-history/index';
import { csrfField } from './forms';
import { html, type SafeHtml } from './html';
import { HISTORY_PATH, historyParams } from './job-history.views';
import { pageHref } from './pager';
import type { PageView } from './render';

export const HISTORY_RETRY_PATH = `${HISTORY_PATH}/retry`;

/** `path` with the search as its query string (no page). */
export function historyHref(query: HistoryQuery, path = HISTORY_PATH): string {
  return pageHref(path, historyParams(query), 1).replace(/[?&]page=1$/, '');
}

/** The link to the confirmation, for a search of failed jobs (or of every state). */
export function historyRetryBar(query: HistoryQuery): SafeHtml {
  if (query.state !== undefined && query.state !== 'failed') return html``;
  return html`<p class="bulk-actions history-retry"><a class="action" data-bulk="history-retry" href="${historyHref(query, `${HISTORY_RETRY_PATH}/confirm`)}">Retry all failed jobs matching this search…</a></p>`;
}

function hidden(query: HistoryQuery): SafeHtml {
  return html`${Object.entries(historyParams(query)).map(([name, value]) =>
    value === undefined ? '' : html`<input type="hidden" name="${name}" value="${value}">`,
  )}`;
}

export function historyRetryConfirmPage(query: HistoryQuery, plan: HistoryRetryPlan): PageView {
  const n = plan.inPlace.length + plan.again.length;
  const matched = `${plan.matched}${plan.matchedCapped ? '+' : ''}`;
  return (ctx) => ({
    title: `Retry ${n} failed job(s)?`,
    body: html`<div class="overlay" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
<div class="dialog">
<h2 id="confirm-title">Retry <span data-retry-count>${n}</span> failed job(s)?</h2>
<p>This search matches <span data-retry-matched>${matched}</span> job(s) whose latest execution failed (a job that failed and then succeeded is not counted).</p>
<ul class="retry-plan">
<li><span data-retry-in-place>${plan.inPlace.length}</span> still in Redis's failed set: retried in place, attempts counted afresh.</li>
<li><span data-retry-again>${plan.again.length}</span> gone from Redis: enqueued again as new jobs of the same class, queue and arguments (each records which job it retries).</li>
${plan.movedOn.length > 0 ? html`<li><span data-retry-moved-on>${plan.movedOn.length}</span> no longer failed in Redis (retried meanwhile or running): left alone.</li>` : ''}
${
  plan.unretriable.length > 0
    ? html`<li><span data-retry-unretriable>${plan.unretriable.length}</span> cannot be run again from history: ${plan.unretriable
        .slice(0, 5)
        .map((u) => html`<code>${u.id}</code> (${u.reason}) `)}${plan.unretriable.length > 5 ? '…' : ''}</li>`
    : ''
}
${plan.remaining > 0 ? html`<li><span data-retry-remaining>${plan.remaining}</span> more beyond this action's limit: run it again for them.</li>` : ''}
</ul>
<form method="post" action="${HISTORY_RETRY_PATH}">${csrfField(ctx)}<input type="hidden" name="confirmed" value="yes">${hidden(query)}
<div class="actions"><a href="${historyHref(query)}">Keep them</a><button type="submit" class="danger"${n === 0 ? html` disabled` : ''}>Retry ${n} job(s)</button></div>
</form>
</div>
</div>`,
  });
}

export function historyRetryMessage(result: HistoryRetryResult): string {
  const parts = [
    `${result.retried} failed job(s) retried in place`,
    `${result.enqueued.length} enqueued again as new jobs`,
  ];
  if (result.skipped > 0) parts.push(`${result.skipped} had moved on`);
  if (result.unretriable.length > 0) parts.push(`${result.unretriable.length} could not be run again`);
  if (result.remaining > 0) parts.push(`${result.remaining} remain beyond this action's limit`);
  return parts.join(', ');
}
