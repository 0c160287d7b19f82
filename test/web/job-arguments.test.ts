// Job arguments as admins read them on the history page: a list per positional argument, an
// object's keys as pairs, a record reference as Post#123, a typed value as its value, escaped.
import { describe, expect, it } from 'vitest';
import { argumentList } from '../../app/web/views/job-arguments.views';

describe('argumentList', () => {
  it('lists positional arguments, keys as pairs and a record reference as Model#id', () => {
    const out = argumentList([
      { _bl: 'Record', v: { model: 'Post', id: 123 } },
      { size: 640, owner: { _bl: 'Record', v: { model: 'User', id: 'u-7' } }, tags: ['a', 'b'] },
      'hello',
    ]).value;
    expect(out).toBe(
      '<ol class="args"><li><code>Post#123</code></li>' +
        '<li><span class="arg-pair"><span class="arg-key">size</span> <code>640</code></span>' +
        '<span class="arg-pair"><span class="arg-key">owner</span> <code>User#u-7</code></span>' +
        '<span class="arg-pair"><span class="arg-key">tags</span> <code>[&quot;a&quot;,&quot;b&quot;]</code></span></li>' +
        '<li><code>hello</code></li></ol>',
    );
  });

  it('shows a typed value as its value, escapes markup, and says when there are none', () => {
    expect(argumentList([{ _bl: 'Date', v: '2026-12-03T10:00:00.000Z' }, '<b>x</b>']).value).toBe(
      '<ol class="args"><li><code>2026-12-03T10:00:00.000Z</code></li><li><code>&lt;b&gt;x&lt;/b&gt;</code></li></ol>',
    );
    expect(argumentList([]).value).toBe('<em>none</em>');
    expect(argumentList(null).value).toBe('');
    expect(argumentList({ only: true }).value).toBe(
      '<ol class="args"><li><span class="arg-pair"><span class="arg-key">only</span> <code>true</code></span></li></ol>',
    );
  });
});
