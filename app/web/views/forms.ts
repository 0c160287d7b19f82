/**
 * Form helpers: the hidden CSRF field every form carries, labelled inputs with their error, and a
 * one-button POST form (sign out, job actions).
 *
 * Example: html`<form method="post" action="/login">${csrfField(ctx)}${field('name', 'Name', values.name, errors)}</form>`
 */
import { html, type SafeHtml } from './html';
import type { ViewContext } from './render';

export function csrfField(ctx: ViewContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf()}">`;
}

export function field(
  name: string,
  label: string,
  value: string | undefined,
  errors: Record<string, string> = {},
  type = 'text',
): SafeHtml {
  const error = errors[name];
  return html`<p class="field${error ? ' has-error' : ''}"><label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="${type}" value="${type === 'password' ? '' : (value ?? '')}"${error ? html` aria-invalid="true"` : ''}>
${error ? html`<span class="error">${error}</span>` : ''}</p>`;
}

export function postButton(
  ctx: ViewContext,
  action: string,
  label: string,
  extra: Record<string, string> = {},
  className = '',
): SafeHtml {
  return html`<form method="post" action="${action}" class="inline">${csrfField(ctx)}${Object.entries(
    extra,
  ).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit" class="${className}">${label}</button></form>`;
}
