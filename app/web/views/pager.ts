/**
 * "Page 2 of 7 (140 tags) Previous Next" under a list, keeping the list's filters in the links; the
 * noun is given singular (and plural when not noun + s): "(1 tag)", "(140 tags)".
 *
 * Example: pager('/tags', { name: 'hair*' }, { page: 2, perPage: 50, total: 140 }, ['tag'])
 */
import { counted } from './counted';
import { html, type SafeHtml } from './html';

export function pageHref(
  path: string,
  params: Record<string, string | number | undefined>,
  page: number,
): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') query.set(key, String(value));
  query.set('page', String(page));
  return `${path}?${query.toString()}`;
}

export function pager(
  path: string,
  params: Record<string, string | number | undefined>,
  data: { page: number; perPage: number; total: number },
  noun: readonly [one: string, many?: string],
): SafeHtml {
  const pages = Math.max(1, Math.ceil(data.total / data.perPage));
  return html`<p class="pager">Page ${data.page} of ${pages} (${counted(data.total, ...noun)})
${data.page > 1 ? html` <a href="${pageHref(path, params, data.page - 1)}" rel="prev">Previous</a>` : ''}
${data.page < pages ? html` <a href="${pageHref(path, params, data.page + 1)}" rel="next">Next</a>` : ''}</p>`;
}

/** `<option>`s for a select, the current value selected; '' is "all". */
export function options(values: readonly string[], current: string | undefined, allLabel = 'all'): SafeHtml {
  return html`<option value="">${allLabel}</option>${values.map(
    (v) => html`<option value="${v}"${current === v ? html` selected` : ''}>${v}</option>`,
  )}`;
}
