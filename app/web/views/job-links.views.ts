/**
 * The job page's links to related jobs (moderators and admins alike: ids, classes and states, no
 * arguments): its dependencies (the jobs it waits or waited for) and dependents (the job waiting
 * for it), each a link to that job's page with its class and state and where they came from, plus
 * the retry link of a job enqueued again from a history search. On a page drawn from history
 * alone it says what history cannot know.
 *
 * Example: jobLinks(await history.relations(id, { live: status, timeline }))
 */
import type { JobLink, JobRelations } from '../../services/job-history/index';
import { html, type SafeHtml } from './html';

function href(id: string): string {
  return `/admin/jobs/${encodeURIComponent(id)}`;
}

function link(job: JobLink): SafeHtml {
  const facts =
    job.source === 'unknown'
      ? html`<em class="link-source">not in Redis or in job history</em>`
      : html`<span class="job-class">${job.jobClass ?? ''}</span> <span class="state state-${job.state ?? ''}">${job.state ?? ''}</span>${
          job.source === 'history' ? html` <em class="link-source">(from history)</em>` : ''
        }`;
  return html`<li data-link-id="${job.id}"><a href="${href(job.id)}"><code>${job.id}</code></a> ${facts}</li>`;
}

function list(kind: 'dependencies' | 'dependents', links: readonly JobLink[]): SafeHtml {
  if (links.length === 0)
    return html`<p class="no-links"><em>None${kind === 'dependencies' ? ' known' : ''}.</em></p>`;
  return html`<ul class="job-links ${kind}">${links.map(link)}</ul>`;
}

function retryLine(relations: JobRelations): SafeHtml {
  const { retry } = relations;
  const by = retry.retriedBy ? html` by ${retry.retriedBy}` : '';
  return html`${
    retry.retryOf
      ? html`<p class="retry-of">Enqueued from job history as a retry of <a href="${href(retry.retryOf)}"><code>${retry.retryOf}</code></a>${by}.</p>`
      : ''
  }${
    retry.retriedAs
      ? html`<p class="retried-as">Retried from job history as a new job, <a href="${href(retry.retriedAs)}"><code>${retry.retriedAs}</code></a>${by}.</p>`
      : ''
  }`;
}

/** The section, or nothing for a job Redis holds that has no related job. */
export function jobLinks(relations: JobRelations): SafeHtml {
  const none = relations.dependencies.length === 0 && relations.dependents.length === 0;
  const retry = retryLine(relations);
  if (none && relations.fromRedis) return retry;
  return html`${retry}<section class="job-relations">
<h2>Dependencies</h2>
<p class="hint">Jobs this one waits for (or waited for) before it runs.</p>
${list('dependencies', relations.dependencies)}
<h2>Dependents</h2>
<p class="hint">Jobs waiting for this one.</p>
${list('dependents', relations.dependents)}
${
  relations.fromRedis
    ? ''
    : html`<p class="history-note">Redis no longer holds this job, so these links come from job history: it knows the job waiting for this one and the dependencies that ran at least once (recorded since 2026-12-03); a dependency that never ran is not listed.</p>`
}
</section>`;
}
