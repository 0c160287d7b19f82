/**
 * Job history on the admin pages: the search page (/admin/jobs/history: filters form, live jobs
 * from Redis, then finished executions newest first with a pager) and a job's execution timeline
 * (each attempt with its worker, times and error), shown on the job page. Arguments and the
 * argument filter appear for admins only.
 *
 * Example: sendPage(req, res, historyPage({ query, result, queues, admin }))
 */
import type { StoredExecution } from '../../db/job-history.repository';
import type { JobSummary } from '../../framework/index';
import {
  HISTORY_PAGE_SIZE,
  SEARCH_STATES,
  type HistoryQuery,
  type HistoryResult,
} from '../../services/job-history/index';
import { html, type SafeHtml } from './html';
import { argumentList } from './job-arguments.views';
import { pager } from './pager';
import type { PageView } from './render';
import { durationText, time } from './time';

export const HISTORY_PATH = '/admin/jobs/history';

function jobHref(id: string): string {
  return `/admin/jobs/${encodeURIComponent(id)}`;
}

function worker(execution: StoredExecution): string {
  return execution.workerHost ? `${execution.workerHost}:${execution.workerPid ?? '?'}` : '';
}

/** How much of an error message a table row shows (the dashboard's table cuts as much); the job page shows it all. */
const ERROR_PREVIEW = 200;

function error(execution: StoredExecution, limit = Infinity): SafeHtml {
  if (!execution.errorClass) return html``;
  const message = execution.errorMessage ?? '';
  const shown = message.length > limit ? `${message.slice(0, limit)}…` : message;
  return html`<span><code>${execution.errorClass}</code> ${shown}</span>`;
}

function inputDate(date: Date | undefined): string {
  return date ? date.toISOString() : '';
}

/** The query as link parameters (the pager and the retry form keep the filters). */
export function historyParams(query: HistoryQuery): Record<string, string | undefined> {
  return {
    queue: query.queue,
    state: query.state,
    jobClass: query.jobClass,
    errorClass: query.errorClass,
    jobId: query.jobId,
    from: query.from?.toISOString(),
    to: query.to?.toISOString(),
    args: query.argsText,
  };
}

function filtersForm(query: HistoryQuery, queues: readonly string[], admin: boolean): SafeHtml {
  const text = (name: string, label: string, value: string | undefined, placeholder = '') =>
    html`<label>${label} <input type="text" name="${name}" value="${value ?? ''}" placeholder="${placeholder}"></label>`;
  return html`<form method="get" action="${HISTORY_PATH}" class="filters history-filters">
<label>Queue <select name="queue"><option value="">all</option>${queues.map(
    (q) => html`<option value="${q}"${query.queue === q ? html` selected` : ''}>${q}</option>`,
  )}</select></label>
<label>State <select name="state"><option value="">all</option>${SEARCH_STATES.map(
    (s) => html`<option value="${s}"${query.state === s ? html` selected` : ''}>${s}</option>`,
  )}</select></label>
${text('jobClass', 'Class', query.jobClass, 'ResizeJob')}
${text('errorClass', 'Error class', query.errorClass, 'TimeoutError')}
${text('jobId', 'Job ID', query.jobId)}
${text('from', 'From', inputDate(query.from), '2026-12-03')}
${text('to', 'To', inputDate(query.to), '2026-12-04T12:00Z')}
${admin ? text('args', 'Arguments', query.argsText, 'post=123 Post#123 hello') : ''}
<button type="submit">Search</button>
</form>`;
}

function liveTable(live: readonly JobSummary[]): SafeHtml {
  if (live.length === 0) return html``;
  return html`<h2>Live in Redis (${live.length})</h2>
<div class="table-box"><table class="jobs cards history-live"><thead><tr><th>ID</th><th>Class</th><th>Queue</th><th>State</th><th>Attempt</th><th>Enqueued</th><th>Started</th></tr></thead><tbody>
${live.map(
  (job) =>
    html`<tr data-job-id="${job.id}"><td data-label="ID" class="job-id"><a href="${jobHref(job.id)}" title="${job.id}">${job.id}</a></td><td data-label="Class" class="job-class">${job.jobClass}</td><td data-label="Queue">${job.queue}</td><td data-label="State"><span class="state state-${job.state}">${job.state}</span></td><td data-label="Attempt" class="num">${job.state === 'active' ? job.attempts + 1 : job.attempts}</td><td data-label="Enqueued" class="when">${time(job.enqueuedAt, true)}</td><td data-label="Started" class="when">${time(job.startedAt, true)}</td></tr>`,
)}
</tbody></table></div>`;
}

function executionsTable(executions: readonly StoredExecution[], admin: boolean): SafeHtml {
  return html`<div class="table-box"><table class="jobs cards history-executions"><thead><tr><th>ID</th><th>Class</th><th>Queue</th><th>State</th><th>Attempt</th><th>Finished</th><th>Duration</th><th>Worker</th><th>Error</th>${
    admin ? html`<th>Arguments</th>` : ''
  }</tr></thead><tbody>
${executions.map(
  (e) =>
    html`<tr data-job-id="${e.jobId}"><td data-label="ID" class="job-id"><a href="${jobHref(e.jobId)}" title="${e.jobId}">${e.jobId}</a></td><td data-label="Class" class="job-class">${e.jobClass}</td><td data-label="Queue">${e.queue}</td><td data-label="State"><span class="state state-${e.state}">${e.state}</span></td><td data-label="Attempt" class="num">${e.attempt}</td><td data-label="Finished" class="when">${time(e.finishedAt, true)}</td><td data-label="Duration" class="num">${durationText(e.durationMs)}</td><td data-label="Worker" class="worker">${worker(e)}</td><td data-label="Error" class="error">${error(e, ERROR_PREVIEW)}</td>${
      admin ? html`<td data-label="Arguments" class="arguments">${argumentList(e.arguments)}</td>` : ''
    }</tr>`,
)}
</tbody></table></div>`;
}

export interface HistoryPageData {
  query: HistoryQuery;
  result: HistoryResult;
  queues: readonly string[];
  admin: boolean;
  /** Admins: "retry all failed" for this search (history-retry.views.ts). */
  actions?: SafeHtml;
}

export function historyPage(data: HistoryPageData): PageView {
  const { query, result } = data;
  const count = result.totalCapped
    ? `${result.total.toLocaleString('en')}+`
    : result.total.toLocaleString('en');
  return () => ({
    title: 'Job history',
    body: html`<p><a href="/admin/jobs">← Jobs</a></p>
<h1>Job history</h1>
<p>Every finished execution, kept 30 days in PostgreSQL (also after Redis has let the job go), with the waiting, active and delayed jobs from Redis on the first page.</p>
${filtersForm(query, data.queues, data.admin)}
${data.admin ? (data.actions ?? '') : ''}
${liveTable(result.live)}
<h2>Finished executions (${count})</h2>
${result.executions.length === 0 ? html`<p><em>No executions match.</em></p>` : executionsTable(result.executions, data.admin)}
${pager(HISTORY_PATH, historyParams(query), { page: result.page, perPage: HISTORY_PAGE_SIZE, total: result.total }, ['execution'])}`,
  });
}

/** A job's attempts, first first: state, worker, times, duration, error. */
export function executionTimeline(executions: readonly StoredExecution[]): SafeHtml {
  if (executions.length === 0)
    return html`<h2>Executions</h2><p><em>No finished execution is recorded for this job yet.</em></p>`;
  return html`<h2>Executions</h2>
<ol class="timeline">
${executions.map(
  (e) =>
    html`<li class="execution state-${e.state}"><strong>Attempt ${e.attempt}</strong> <span class="state state-${e.state}">${e.state}</span>
on <code>${worker(e)}</code>: started ${time(e.startedAt)}, finished ${time(e.finishedAt)} (${durationText(e.durationMs)})${
      e.enqueuedAt ? html`, enqueued ${time(e.enqueuedAt)}` : ''
    }${e.errorClass ? html`<br>${error(e)}` : ''}</li>`,
)}
</ol>`;
}

/** The job page for a job Redis no longer holds (retention, a flush): its history alone. */
export function historyJobPage(
  jobId: string,
  executions: readonly StoredExecution[],
  admin: boolean,
  links?: SafeHtml,
): PageView {
  const last = executions[executions.length - 1] as StoredExecution;
  return () => ({
    title: `Job ${jobId}`,
    body: html`<p><a href="/admin/jobs">← Jobs</a> · <a href="${HISTORY_PATH}">History</a></p>
<h1>${last.jobClass} <span class="state state-${last.state}">${last.state}</span></h1>
<p>Redis no longer holds this job; this is its recorded history.</p>
<dl><dt>ID</dt><dd><code>${jobId}</code></dd><dt>Queue</dt><dd>${last.queue}</dd></dl>
${links ?? ''}
<h2>Arguments</h2>
${
  admin
    ? html`<pre class="arguments">${JSON.stringify(last.arguments, null, 2) ?? ''}</pre>`
    : html`<p class="hidden-args">Arguments are visible to admins only.</p>`
}
${executionTimeline(executions)}`,
  });
}
