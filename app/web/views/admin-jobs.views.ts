/**
 * The admin jobs pages (Danbooru's /jobs): queue counts, a throughput chart per queue, recent
 * jobs with their timings, one job's detail, and the confirmation overlay shown before a
 * destructive action. Arguments and results appear for admins only; actions likewise.
 */
import type { JobFilter, JobStatus, JobSummary, QueueStats } from '../../framework/index';
import { filterSecrets, SHOWN_STATES, topics } from '../../framework/index';
import { actionsFor, DESTRUCTIVE_ACTIONS, type JobAction } from '../admin/job-admin.service';
import type { Latency } from '../admin/queue-latency';
import type { Throughput } from '../admin/queue-metrics';
import { BULL_BOARD_PATH } from '../admin/bull-board';
import { SEARCH_STATES } from '../../services/job-history/index';
import { bulkBar } from './admin-bulk.views';
import { latencyChart, throughputChart } from './chart';
import { csrfField, postButton } from './forms';
import { html, type SafeHtml } from './html';
import { HISTORY_PATH } from './job-history.views';
import type { PageView, ViewContext } from './render';
import { durationText, time } from './time';

export const ACTION_LABELS: Record<JobAction, string> = {
  retry: 'Retry',
  'run-now': 'Run now',
  cancel: 'Cancel',
  destroy: 'Destroy',
};

export function jobPath(id: string, suffix = ''): string {
  return `/admin/jobs/${encodeURIComponent(id)}${suffix}`;
}

/** BullMQ stores attempts: 0 for a job added without the option (one attempt). */
function maxAttempts(job: JobSummary): number {
  return Math.max(1, job.maxAttempts);
}

function duration(job: JobSummary): string {
  if (!job.startedAt || !job.finishedAt) return '';
  return durationText(Date.parse(job.finishedAt) - Date.parse(job.startedAt));
}

/** A job's action buttons; on its own page (`back`: 'job') retry and run-now come back to that page. */
function actionControls(ctx: ViewContext, job: JobSummary, back: Record<string, string> = {}): SafeHtml {
  return html`${actionsFor(job.state, job.malformed !== undefined).map((action) =>
    DESTRUCTIVE_ACTIONS.includes(action)
      ? html`<a class="action" href="${jobPath(job.id, `/${action}/confirm`)}">${ACTION_LABELS[action]}</a> `
      : html`${postButton(ctx, jobPath(job.id, `/${action}`), ACTION_LABELS[action], back)} `,
  )}`;
}

export interface JobsPageData {
  stats: QueueStats[];
  jobs: JobSummary[];
  throughput: Throughput[];
  /** Enqueue-to-start latency per queue. @defaultValue [] */
  latency?: Latency[];
  /** Jobs waiting in the outbox (committed in transactions, not yet relayed). @defaultValue 0 */
  outbox?: number;
  /** Hours of throughput the charts show. */
  hours: number;
  filters: JobFilter & { limit: number };
  admin: boolean;
}

/** The topic of a job's events (what its row follows live). */
export function jobTopic(id: string): string {
  return topics.job(id);
}

/** Where live.js fetches a new row ({id}: the job id as a topic segment), with the page's filters. */
function rowSource(filters: JobsPageData['filters']): string {
  const query = new URLSearchParams();
  if (filters.queue) query.set('queue', filters.queue);
  if (filters.state) query.set('state', filters.state);
  if (filters.jobClass) query.set('class', filters.jobClass);
  const qs = query.toString();
  return `/admin/jobs/{id}/row${qs ? `?${qs}` : ''}`;
}

/** One job's row; live.js replaces it from /admin/jobs/:id/row when the job's events arrive. */
export function jobRow(ctx: ViewContext, job: JobSummary, admin: boolean): SafeHtml {
  return html`<tr data-job-id="${job.id}" data-live-topic="${jobTopic(job.id)}" data-live-src="${jobPath(job.id, '/row')}"><td data-label="ID" class="job-id"><a href="${jobPath(job.id)}" title="${job.id}">${job.id}</a></td><td data-label="Class" class="job-class">${job.jobClass}</td><td data-label="Queue">${job.queue}</td>
<td data-label="State"><span class="state state-${job.state}">${job.state}</span></td><td data-label="Attempt" class="num">${job.attempts}/${maxAttempts(job)}</td>
<td data-label="Enqueued" class="when">${time(job.enqueuedAt, true)}</td><td data-label="Started" class="when">${time(job.startedAt, true)}</td><td data-label="Finished" class="when">${time(job.finishedAt, true)}</td><td data-label="Duration" class="num">${duration(job)}</td>
<td data-label="Error" class="error">${job.error ? job.error.slice(0, 200) : ''}</td>${admin ? html`<td data-label="Actions" class="job-actions">${actionControls(ctx, job)}</td>` : ''}</tr>`;
}

/** "paused" or nothing; with ctx (an admin's page) the button that flips it. */
function pausedCell(s: QueueStats, ctx: ViewContext | undefined): SafeHtml {
  const path = `/admin/queues/${encodeURIComponent(s.queue)}/${s.paused ? 'resume' : 'pause'}`;
  const button = ctx ? postButton(ctx, path, s.paused ? 'Resume' : 'Pause') : html``;
  return html`${s.paused ? html`<strong class="state state-paused">paused</strong> ` : ''}${button}`;
}

/** How often at most the queue summary refetches while job events stream in. @defaultValue 2000 ms */
export const SUMMARY_REFRESH_MS = 2_000;

/**
 * The per-queue counts and throughput charts. On the jobs page it follows every job event
 * (data-live-follow="/jobs"): live.js refetches it from /admin/jobs/summary at most every
 * SUMMARY_REFRESH_MS while events arrive.
 */
/** outbox: jobs enqueued in transactions that wait in the outbox for the relay (bin/worker). */
export type SummaryData = Pick<JobsPageData, 'stats' | 'throughput' | 'latency' | 'hours' | 'outbox'>;

/** ctx given (an admin's page): each queue's Pause/Resume button. */
export function queueSummary(data: SummaryData, ctx?: ViewContext): SafeHtml {
  const { stats, throughput, hours, outbox = 0, latency = [] } = data;
  return html`<section class="queue-summary" data-live-topic="/jobs#summary" data-live-follow="/jobs" data-live-every="${SUMMARY_REFRESH_MS}" data-live-src="/admin/jobs/summary?hours=${hours}">
<div class="table-box"><table class="stats"><thead><tr><th>Queue</th>${SHOWN_STATES.map((s) => html`<th>${s}</th>`)}<th>Paused</th></tr></thead><tbody>
${stats.map(
  (s) =>
    html`<tr><td><a href="/admin/jobs?queue=${encodeURIComponent(s.queue)}">${s.queue}</a></td>${SHOWN_STATES.map(
      (state) => html`<td class="num" data-queue-state="${s.queue}:${state}">${s.counts[state] ?? 0}</td>`,
    )}<td class="paused" data-queue-paused="${s.queue}">${pausedCell(s, ctx)}</td></tr>`,
)}
</tbody></table></div>
<p class="outbox">Outbox: <span class="num" data-outbox-waiting>${outbox}</span> job(s) committed in transactions, waiting for the relay</p>
<div class="charts">${throughput.map((t) => throughputChart(t))}</div>
<div class="charts">${latency.map((l) => latencyChart(l))}</div>
</section>`;
}

/**
 * The search box leading to the job history results (/admin/jobs/history): finished jobs too,
 * also those Redis has let go. Admins search by argument as well (the arguments are theirs to see).
 */
function historySearchBox(admin: boolean): SafeHtml {
  return html`<form method="get" action="${HISTORY_PATH}" class="history-search" role="search">
<strong>Search all jobs</strong>
${
  admin
    ? html`<label>Arguments <input type="search" name="args" placeholder="post=123 or Post#123 or a value" aria-describedby="history-search-help"></label>`
    : ''
}
<label>Job ID <input type="search" name="jobId" size="14"></label>
<label>State <select name="state"><option value="">all</option>${SEARCH_STATES.map(
    (s) => html`<option value="${s}">${s}</option>`,
  )}</select></label>
<button type="submit">Search history</button>
${
  admin
    ? html`<small id="history-search-help">Finished executions (kept 30 days) and live jobs; several terms must all match.</small>`
    : ''
}
</form>`;
}

export function jobsPage(data: JobsPageData): PageView {
  const { filters } = data;
  return (ctx) => ({
    title: 'Jobs',
    live: ['/jobs'],
    body: html`<h1>Jobs</h1>
<p><a href="${BULL_BOARD_PATH}">Open Bull Board</a>${data.admin ? '' : ' (read-only)'} · <a href="${HISTORY_PATH}">Job history</a></p>
${historySearchBox(data.admin)}
<h2>Queues</h2>
${queueSummary(data, data.admin ? ctx : undefined)}
<h2>Recent jobs</h2>
<form method="get" action="/admin/jobs" class="filters">
<label>Queue <select name="queue"><option value="">all</option>${data.stats.map(
      (s) =>
        html`<option value="${s.queue}"${filters.queue === s.queue ? html` selected` : ''}>${s.queue}</option>`,
    )}</select></label>
<label>State <select name="state"><option value="">all</option>${SHOWN_STATES.map(
      (s) => html`<option value="${s}"${filters.state === s ? html` selected` : ''}>${s}</option>`,
    )}</select></label>
<label>Class <input type="text" name="class" value="${filters.jobClass ?? ''}" size="16"></label>
<label>Limit <input type="number" name="limit" min="1" max="500" value="${filters.limit}"></label>
<button type="submit">Filter</button>
</form>
${data.admin ? bulkBar(filters) : ''}
<div class="table-box"><table class="jobs cards"><thead><tr><th>ID</th><th>Class</th><th>Queue</th><th>State</th><th>Attempt</th><th>Enqueued</th><th>Started</th><th>Finished</th><th>Duration</th><th>Error</th>${
      data.admin ? html`<th>Actions</th>` : ''
    }</tr></thead><tbody data-live-insert="/jobs" data-live-insert-on="job.enqueued job.started" data-live-row-src="${rowSource(filters)}">
${data.jobs.map((job) => jobRow(ctx, job, data.admin))}
</tbody></table></div>
${data.jobs.length === 0 ? html`<p><em>No jobs match.</em></p>` : ''}`,
  });
}

/** Pretty JSON with the secret keys (LOG_FILTER_KEYS: password, token, ...) shown as [FILTERED]. */
function json(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(filterSecrets(value), null, 2) ?? '';
  } catch (error) {
    return `(not JSON: ${(error as Error).message})`;
  }
}

/**
 * `timeline`: the job's recorded executions (job-history.views.ts), under its detail; `links`:
 * its dependencies and dependents as links (job-links.views.ts), else their bare ids.
 */
export function jobPage(job: JobStatus, admin: boolean, timeline?: SafeHtml, links?: SafeHtml): PageView {
  return (ctx) => ({
    title: `Job ${job.id}`,
    body: html`<p><a href="/admin/jobs">← Jobs</a></p>
<h1>${job.jobClass} <span class="state state-${job.state}">${job.state}</span></h1>
<dl class="job-facts">
<dt>ID</dt><dd><code>${job.id}</code></dd><dt>Queue</dt><dd>${job.queue}</dd>
<dt>${job.state === 'active' ? 'Attempt' : 'Attempts'}</dt><dd>${job.attempts} of ${maxAttempts(job)}</dd>
<dt>Enqueued</dt><dd>${time(job.enqueuedAt)}</dd><dt>Started</dt><dd>${time(job.startedAt)}</dd><dt>Finished</dt><dd>${time(job.finishedAt)}</dd>
<dt>Duration</dt><dd>${duration(job)}</dd>
${!links && job.dependencies.length > 0 ? html`<dt>Waits for</dt><dd>${job.dependencies.join(', ')}</dd>` : ''}
${!links && job.dependents.length > 0 ? html`<dt>Awaited by</dt><dd>${job.dependents.join(', ')}</dd>` : ''}
</dl>
${admin ? html`<p>${actionControls(ctx, job, { back: 'job' })}</p>` : ''}
${links ?? ''}
<h2>Arguments</h2>
${admin ? html`<pre class="arguments">${json(job.arguments)}</pre>` : html`<p class="hidden-args">Arguments are visible to admins only.</p>`}
${admin && job.result !== undefined && job.result !== null ? html`<h2>Result</h2><pre>${json(job.result)}</pre>` : ''}
${job.progress !== undefined && job.progress !== 0 ? html`<h2>Progress</h2><pre>${json(job.progress)}</pre>` : ''}
${job.error ? html`<h2>Error</h2><pre>${job.error}</pre>` : ''}
${job.stacktrace.length > 0 ? html`<h2>${job.state === 'completed' ? 'Errors of earlier attempts' : 'Stack traces'}</h2>${job.stacktrace.map((s) => html`<pre>${s}</pre>`)}` : ''}
${timeline ?? ''}`,
  });
}

const CONFIRM_TEXT: Partial<Record<JobAction, string>> = {
  cancel:
    'A waiting or delayed job is removed; a running one is aborted by its worker and ends failed as canceled. It will not be retried.',
  destroy:
    'The job and its record are removed from Redis for good; its arguments, result and error are lost.',
};

/** The confirmation overlay shown before a destructive action; the form posts `confirmed=yes`. */
export function confirmPage(job: JobSummary, action: JobAction): PageView {
  return (ctx) => ({
    title: `${ACTION_LABELS[action]} job ${job.id}?`,
    body: html`<div class="overlay" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
<div class="dialog">
<h2 id="confirm-title">${ACTION_LABELS[action]} job ${job.id}?</h2>
<p><strong>${job.jobClass}</strong> on ${job.queue}, ${job.state}, attempt ${job.attempts} of ${maxAttempts(job)}.</p>
<p>${CONFIRM_TEXT[action] ?? ''}</p>
<form method="post" action="${jobPath(job.id, `/${action}`)}">${csrfField(ctx)}<input type="hidden" name="confirmed" value="yes">
<div class="actions"><a href="/admin/jobs">Keep it</a><button type="submit" class="danger">${ACTION_LABELS[action]}</button></div>
</form>
</div>
</div>`,
  });
}
