import { describe, expect, it } from 'vitest';
import { createProgressBar } from '../../prisma/progress-bar';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, write: (text: string) => writes.push(text) };
}

describe('createProgressBar', () => {
  it('prints one line per 10% step when not on a terminal, then the finished bar', () => {
    const out = stream(false);
    const bar = createProgressBar('posts', 1_000, out);
    for (let done = 0; done <= 1_000; done += 50) bar.update(done);
    bar.finish();
    bar.finish();

    expect(out.writes).toHaveLength(11); // 0%, 10%, ..., 90%, then finish()
    expect(out.writes.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(out.writes[5]).toMatch(/^posts \[#{15}\.{15}\] {2}50% {2}500\/1,000 {2}\d+\.\ds\n$/);
    expect(out.writes.at(-1)).toMatch(/^posts \[#{30}\] 100% {2}1,000\/1,000 {2}\d+\.\ds\n$/);
  });

  it('redraws in place on a terminal, once per visible change', () => {
    const out = stream(true);
    const bar = createProgressBar('posts', 1_000, out);
    bar.update(1);
    bar.update(1);
    bar.update(5); // still 0%
    bar.update(5_000); // clamped to 1,000
    bar.finish();

    expect(out.writes).toHaveLength(3);
    expect(out.writes.every((text) => text.startsWith('\r'))).toBe(true);
    expect(out.writes[1]).toContain('1,000/1,000');
    expect(out.writes[2]?.endsWith('\n')).toBe(true);
  });
});
