import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../../app/web/views/html';

describe('html tagged template', () => {
  it('escapes every interpolated string, in content and in attributes', () => {
    const evil = `<script>alert('x')</script>" onload="x`;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onload=&quot;x">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onload=&quot;x</p>',
    );
  });

  it('keeps nested html and raw markup, joins arrays, and drops null, undefined and false', () => {
    const items = ['<a>', 'b'].map((t) => html`<li>${t}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}${raw('<hr>')}`.value).toBe(
      '<ul><li>&lt;a&gt;</li><li>b</li></ul>0<hr>',
    );
  });

  it('escapes & first so entities are not double-decoded', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});
