import { describe, expect, it } from 'vitest';
import { firstLine, formatTable } from '../../../app/framework/index';

describe('formatTable', () => {
  it('pads columns to their widest cell under a header and a rule', () => {
    expect(formatTable([{ queue: 'default', waiting: 3 }])).toBe(
      ['queue    waiting', '-------  -------', 'default  3'].join('\n'),
    );
  });
});

describe('firstLine', () => {
  it('keeps a short single line as it is', () => {
    expect(firstLine('disk full', 20)).toBe('disk full');
  });

  it('cuts a long line to the width, ending in an ellipsis', () => {
    expect(firstLine('a'.repeat(30), 10)).toBe(`${'a'.repeat(9)}…`);
    expect(firstLine('a'.repeat(30), 10)).toHaveLength(10);
  });

  it('shows only the first line, marking that more follows', () => {
    expect(firstLine('disk full\n    at write (fs.js:1)', 20)).toBe('disk full…');
  });

  it("skips the blank lines a message starts with (as Prisma's do)", () => {
    expect(firstLine('\n  \nInvalid `prisma.post.findUnique()` invocation:\n\nRecord not found', 60)).toBe(
      'Invalid `prisma.post.findUnique()` invocation:…',
    );
  });
});
