/**
 * A job's stored arguments made readable for admins (the history rows): one line per positional
 * argument, an object's keys as `key: value` pairs, a record reference as `Post#123`, a typed value
 * ({ _bl: 'Date', v }) as its value; anything nested deeper as compact JSON. Long values wrap.
 *
 * Example:
 *   argumentList([{ _bl: 'Record', v: { model: 'Post', id: 123 } }, { size: 640 }])
 *     // <ol class="args"><li><code>Post#123</code></li><li><span class="arg-key">size</span> <code>640</code></li></ol>
 */
import { html, type SafeHtml } from './html';

const TYPE_KEY = '_bl';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A record reference or a typed value as one short text; undefined for anything else. */
function tagged(value: Record<string, unknown>): string | undefined {
  if (typeof value[TYPE_KEY] !== 'string') return undefined;
  const inner = value.v;
  if (value[TYPE_KEY] === 'Record' && isObject(inner) && typeof inner.model === 'string')
    return `${inner.model}#${typeof inner.id === 'string' || typeof inner.id === 'number' ? inner.id : JSON.stringify(inner.id)}`;
  return typeof inner === 'string' || typeof inner === 'number' ? String(inner) : JSON.stringify(inner);
}

function scalar(value: unknown): SafeHtml {
  if (typeof value === 'string') return html`<code>${value}</code>`;
  if (isObject(value)) {
    const short = tagged(value);
    if (short !== undefined) return html`<code>${short}</code>`;
  }
  return html`<code>${JSON.stringify(value) ?? String(value)}</code>`;
}

function argument(value: unknown): SafeHtml {
  if (!isObject(value) || tagged(value) !== undefined) return scalar(value);
  const entries = Object.entries(value);
  if (entries.length === 0) return html`<code>{}</code>`;
  return html`${entries.map(
    ([key, inner]) =>
      html`<span class="arg-pair"><span class="arg-key">${key}</span> ${scalar(inner)}</span>`,
  )}`;
}

/** Arguments as a list (an array) or one entry (anything else); nothing for null. */
export function argumentList(args: unknown): SafeHtml {
  if (args === null || args === undefined) return html``;
  const items = Array.isArray(args) ? args : [args];
  if (items.length === 0) return html`<em>none</em>`;
  return html`<ol class="args">${items.map((item) => html`<li>${argument(item)}</li>`)}</ol>`;
}
