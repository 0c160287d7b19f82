/**
 * Server-rendered HTML that escapes by default: the `html` tagged template escapes every
 * interpolated value unless it is already SafeHtml (the result of another `html` call or of
 * `raw`, which only trusted code may call). Arrays are joined, null/undefined/false render as
 * nothing, so views read like templates without a templating package.
 *
 * Example:
 *   html`<td>${post.tagString}</td>`                    // "<b>" becomes "&lt;b&gt;"
 *   html`<ul>${users.map((u) => html`<li>${u.name}</li>`)}</ul>`
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export type HtmlValue =
  SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks trusted markup (built by code, never from user input) as safe. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
