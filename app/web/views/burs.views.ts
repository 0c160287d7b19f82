/**
 * Bulk update request pages: the list, one request (status, actions, a live progress bar with
 * "line k of n" and rows done/total within that line, and every line's status), and the create
 * and edit forms, where each bad line is listed with its number, its text and the reason beside
 * the script.
 *
 * The dynamic part of a request's page is one section (burLiveSection) that the page follows on
 * /burs/:id: /assets/live.js fetches it again from /bulk_update_requests/:id/progress on every
 * event and swaps it in. The bar is a <progress> element (no inline style, so the CSP holds).
 */
import type { BulkUpdateRequestLine } from '../../db/generated/client';
import type { BulkUpdateRequestStatus, UserLevel } from '../../db/generated/enums';
import { atLeast } from '../auth/levels';
import { BUR_STATUSES, type BurProgress } from '../services/burs.service';
import { csrfField, postButton } from './forms';
import { html, type SafeHtml } from './html';
import { options, pager } from './pager';
import { time } from './time';
import type { PageView, ViewContext } from './render';

type UserRef = { id: number; name: string } | null;

export const BURS_PATH = '/bulk_update_requests';

export function burPath(id: number, suffix = ''): string {
  return `${BURS_PATH}/${id}${suffix}`;
}

function userLink(user: UserRef) {
  return user ? html`<a href="/users/${user.id}">${user.name}</a>` : html`<em>none</em>`;
}

function status(value: string) {
  return html`<span class="state state-${value}">${value}</span>`;
}

function titleOf(bur: { id: number; title: string | null }): string {
  return bur.title ? `#${bur.id}: ${bur.title}` : `#${bur.id}`;
}

export function formatPercent(percent: number): string {
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)} %`;
}

// ---- list ----------------------------------------------------------------------------------

export interface BurListRow {
  id: number;
  title: string | null;
  status: BulkUpdateRequestStatus;
  createdAt: Date;
  approvedAt: Date | null;
  user: UserRef;
  approver: UserRef;
  lineCount: number;
}

export function bursPage(data: {
  burs: BurListRow[];
  total: number;
  page: number;
  perPage: number;
  filters: { status?: string };
}): PageView {
  return (ctx) => ({
    title: 'Bulk update requests',
    body: html`<h1>Bulk update requests</h1>
${ctx.user ? html`<p><a href="${BURS_PATH}/new" class="button">New request</a></p>` : ''}
<form method="get" action="${BURS_PATH}" class="filters">
<label>Status <select name="status">${options(BUR_STATUSES, data.filters.status)}</select></label>
<button type="submit">Filter</button>
</form>
<table class="burs"><thead><tr><th>#</th><th>Title</th><th>Creator</th><th>Status</th><th>Lines</th><th>Created</th><th>Approver</th></tr></thead><tbody>
${data.burs.map(
  (b) =>
    html`<tr data-bur-id="${b.id}"><td><a href="${burPath(b.id)}">${b.id}</a></td><td><a href="${burPath(b.id)}">${b.title ?? ''}</a></td><td>${userLink(b.user)}</td><td>${status(b.status)}</td><td class="num">${b.lineCount}</td><td>${time(b.createdAt)}</td><td>${b.approver ? userLink(b.approver) : ''}</td></tr>`,
)}
</tbody></table>
${data.burs.length === 0 ? html`<p><em>No requests match.</em></p>` : ''}
${pager(BURS_PATH, { status: data.filters.status }, data, ['request'])}`,
  });
}

// ---- one request -----------------------------------------------------------------------------

export interface BurView {
  id: number;
  title: string | null;
  reason: string;
  script: string;
  status: BulkUpdateRequestStatus;
  userId: number | null;
  user: UserRef;
  approver: UserRef;
  failedLine: number | null;
  failedError: string | null;
  createdAt: Date;
  approvedAt: Date | null;
  completedAt: Date | null;
  lines: BulkUpdateRequestLine[];
  progress: BurProgress | undefined;
  /** Who may approve it now (policy.ts); null once it is no longer pending or failed. */
  approvalLevel?: UserLevel | null;
  /** The id of the job that runs it, set at approval. */
  processingJobId?: string | null;
}

export interface BurPermissions {
  edit: boolean;
  approve: boolean;
  reject: boolean;
}

function progressBar(progress: BurProgress): SafeHtml {
  const c = progress.current;
  const rows =
    c && (c.rowsTotal !== null || c.rowsDone > 0)
      ? html`<span class="rows" data-rows>${c.rowsDone} of ${c.rowsTotal ?? '?'} posts</span>`
      : '';
  return html`<div class="bur-progress">
<p><progress id="bur-progress" max="100" value="${progress.percent}" aria-label="Progress of the request">${formatPercent(progress.percent)}</progress>
<span class="percent" data-percent>${formatPercent(progress.percent)}</span></p>
<p class="bur-line" data-line-progress>${
    c
      ? html`Line <span data-line-position>${c.position}</span> of <span data-line-count>${progress.lines}</span> (script line ${c.lineNumber}, ${c.status})${rows ? html`: ${rows}` : ''}`
      : html`All ${progress.lines} lines done`
  }</p>
${c && c.rowsTotal ? html`<p><progress class="line-progress" max="${c.rowsTotal}" value="${Math.min(c.rowsDone, c.rowsTotal)}" aria-label="Posts of the running line"></progress></p>` : ''}
</div>`;
}

function actions(ctx: ViewContext, bur: BurView, can: BurPermissions): SafeHtml {
  const validNow = !bur.lines.some((l) => l.status === 'failed' && bur.status === 'pending');
  return html`<p class="actions">${can.edit ? html`<a href="${burPath(bur.id, '/edit')}" class="button">Edit</a> ` : ''}${
    can.approve && validNow
      ? html`${postButton(ctx, burPath(bur.id, '/approve'), bur.status === 'failed' ? 'Approve again (resume)' : 'Approve', {}, 'primary')} `
      : ''
  }${can.reject ? postButton(ctx, burPath(bur.id, '/reject'), 'Reject', {}, 'danger') : ''}</p>`;
}

function rowsCell(line: BulkUpdateRequestLine): string {
  if (line.rowsTotal === null && line.rowsDone === 0) return '';
  return `${line.rowsDone} / ${line.rowsTotal ?? '?'}`;
}

/** " · job <id>" linking the job dashboard's page of the job that runs it, for those who may open it. */
function jobLink(ctx: ViewContext, bur: BurView): SafeHtml | string {
  if (!bur.processingJobId || !atLeast(ctx.user?.level, 'moderator')) return '';
  return html` · job <a href="/admin/jobs/${encodeURIComponent(bur.processingJobId)}">${bur.processingJobId}</a>`;
}

/** The part of a request's page that live updates replace. */
export function burLiveSection(ctx: ViewContext, bur: BurView, can: BurPermissions): SafeHtml {
  const pending = bur.status === 'pending';
  const bad = bur.lines.filter((l) => l.status === 'failed');
  return html`<section class="bur-live" id="bur-live" data-live-topic="/burs/${bur.id}" data-live-src="${burPath(bur.id, '/progress')}" data-status="${bur.status}">
<p>Status: <span data-bur-status>${status(bur.status)}</span>${bur.approvedAt ? html` · approved ${time(bur.approvedAt)} by ${userLink(bur.approver)}` : ''}${
    bur.completedAt ? html` · completed ${time(bur.completedAt)}` : ''
  }${jobLink(ctx, bur)}</p>
${bur.approvalLevel ? html`<p class="approval-level">Approval: ${bur.approvalLevel === 'admin' ? 'an admin' : `a ${bur.approvalLevel} or above`}</p>` : ''}
${bur.status === 'failed' && bur.failedError ? html`<p class="errors" role="alert">Failed${bur.failedLine !== null ? html` at line ${bur.failedLine}` : ''}: ${bur.failedError}</p>` : ''}
${pending && bad.length > 0 ? html`<p class="errors" role="alert">${bad.length === 1 ? '1 line is' : `${bad.length} lines are`} not valid: edit the script before it can be approved.</p>` : ''}
${bur.progress ? progressBar(bur.progress) : ''}
${actions(ctx, bur, can)}
<h2>${pending ? 'Line check' : 'Lines'}</h2>
<table class="bur-lines"><thead><tr><th>Line</th><th>Command</th><th>Status</th><th>Posts</th><th>Error</th></tr></thead><tbody>
${bur.lines.map(
  (l) =>
    html`<tr data-line-number="${l.lineNumber}" class="line-${l.status}"><td class="num">${l.lineNumber}</td><td><code>${l.text}</code></td><td>${status(
      pending ? (l.status === 'failed' ? 'invalid' : 'valid') : l.status,
    )}</td><td class="num">${rowsCell(l)}</td><td class="error">${l.error ?? ''}</td></tr>`,
)}
</tbody></table>
</section>`;
}

export function burPage(bur: BurView, can: BurPermissions): PageView {
  return (ctx) => ({
    title: `Bulk update request ${titleOf(bur)}`,
    live: [`/burs/${bur.id}`],
    body: html`<p><a href="${BURS_PATH}">← Bulk update requests</a></p>
<h1>Bulk update request ${titleOf(bur)}</h1>
<dl><dt>Creator</dt><dd>${userLink(bur.user)}</dd><dt>Created</dt><dd>${time(bur.createdAt)}</dd>
${bur.reason ? html`<dt>Reason</dt><dd class="reason">${bur.reason}</dd>` : ''}</dl>
${burLiveSection(ctx, bur, can)}
<h2>Script</h2>
<pre class="script">${bur.script}</pre>`,
  });
}

// ---- forms -----------------------------------------------------------------------------------

/** Each line's validation: error null for a good line. */
export interface CheckedLine {
  lineNumber: number;
  text: string;
  error: string | null;
}

export interface BurFormState {
  values: { title?: string; script?: string; reason?: string };
  /** Problems of the script as a whole (empty, too long) and of the title or reason. */
  errors: string[];
  lines: CheckedLine[];
}

const GRAMMAR = [
  'create alias A -> B',
  'remove alias A -> B',
  'create implication A -> B',
  'remove implication A -> B',
  'rename A -> B',
  'update QUERY -> EDITS',
  'category T -> artist',
  'nuke T',
  'deprecate T / undeprecate T',
];

function scriptCheck(lines: CheckedLine[]): SafeHtml {
  if (lines.length === 0) return html``;
  const bad = lines.filter((l) => l.error !== null).length;
  return html`<aside class="script-check" aria-label="Line check">
<h3>Line check: ${bad === 0 ? 'every line is valid' : `${bad} bad ${bad === 1 ? 'line' : 'lines'}`}</h3>
<ol class="checked-lines">${lines.map(
    (l) =>
      html`<li class="${l.error === null ? 'line-ok' : 'line-bad'}" data-line-number="${l.lineNumber}"><span class="line-number">${l.lineNumber}</span> <code class="line-text">${l.text}</code>${
        l.error === null
          ? html` <span class="ok">✓</span>`
          : html` <span class="line-reason error">${l.error}</span>`
      }</li>`,
  )}</ol>
</aside>`;
}

function burForm(ctx: ViewContext, action: string, submit: string, state: BurFormState): SafeHtml {
  const v = state.values;
  return html`<form method="post" action="${action}" class="bur-form">${csrfField(ctx)}
${state.errors.length > 0 ? html`<div class="errors" role="alert"><ul>${state.errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : ''}
<p class="field"><label for="title">Title</label><input id="title" name="title" type="text" value="${v.title ?? ''}"></p>
<div class="script-editor">
<p class="field${state.lines.some((l) => l.error !== null) ? ' has-error' : ''}"><label for="script">Script (one command per line)</label>
<textarea id="script" name="script" rows="12" spellcheck="false">${v.script ?? ''}</textarea></p>
${scriptCheck(state.lines)}
</div>
<details class="grammar"><summary>Commands</summary><ul>${GRAMMAR.map((g) => html`<li><code>${g}</code></li>`)}</ul></details>
<p class="field"><label for="reason">Reason</label><textarea id="reason" name="reason" rows="3">${v.reason ?? ''}</textarea></p>
<p><button type="submit" class="primary">${submit}</button></p>
</form>`;
}

export function newBurPage(state: BurFormState = { values: {}, errors: [], lines: [] }): PageView {
  return (ctx) => ({
    title: 'New bulk update request',
    body: html`<p><a href="${BURS_PATH}">← Bulk update requests</a></p>
<h1>New bulk update request</h1>
${burForm(ctx, BURS_PATH, 'Submit', state)}`,
  });
}

export function editBurPage(bur: { id: number; title: string | null }, state: BurFormState): PageView {
  return (ctx) => ({
    title: `Edit bulk update request #${bur.id}`,
    body: html`<p><a href="${burPath(bur.id)}">← Request ${titleOf(bur)}</a></p>
<h1>Edit bulk update request ${titleOf(bur)}</h1>
${burForm(ctx, burPath(bur.id), 'Save', state)}`,
  });
}
