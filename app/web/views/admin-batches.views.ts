/**
 * The batch page: description, counts (total, pending, succeeded, failed, discarded), each
 * callback's state and the times. Kept minimal; the dashboard's styles apply.
 *
 * Example: sendPage(req, res, batchPage(await jobs.batch(id)))
 */
import type { BatchStatus } from '../../framework/index';
import { html } from './html';
import type { PageView } from './render';
import { time } from './time';

export function batchPage(batch: BatchStatus): PageView {
  const state = batch.finishedAt ? 'finished' : 'pending';
  const counts = (['total', 'pending', 'succeeded', 'failed', 'discarded'] as const).map(
    (name) => html`<dt>${name}</dt><dd class="batch-${name}">${batch[name]}</dd>`,
  );
  const callbacks = Object.entries(batch.callbacks).map(
    ([name, callbackState]) =>
      html`<dt>${name}</dt><dd class="callback-${callbackState}">${callbackState}</dd>`,
  );
  return () => ({
    title: `Batch ${batch.id}`,
    body: html`<p><a href="/admin/jobs">← Jobs</a></p>
<h1>Batch <code>${batch.id}</code> <span class="state state-${state}">${state}</span></h1>
${batch.description ? html`<p class="description">${batch.description}</p>` : ''}
<dl>${counts}</dl>
<h2>Callbacks</h2>
${callbacks.length > 0 ? html`<dl>${callbacks}</dl>` : html`<p>None.</p>`}
<dl><dt>Created</dt><dd>${time(batch.createdAt)}</dd><dt>Finished</dt><dd>${time(batch.finishedAt)}</dd></dl>`,
  });
}
