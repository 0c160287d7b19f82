import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/processes';

function quickStartLines(): string[] {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Quick start$/m)[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() !== '');
}

describe('README Quick start', () => {
  it('begins with the line that brings the app up and the line that runs the tests', () => {
    expect(quickStartLines().slice(0, 2)).toEqual(['bin/setup && bin/dev', 'npm ci && npm test']);
  });

  it('is what .ci/run runs, exactly', () => {
    const ci = readFileSync(resolve(ROOT, '.ci/run'), 'utf8');
    const testLine = quickStartLines()[1] ?? '';
    expect(ci.split('\n').map((l) => l.trim())).toContain(testLine);
  });
});
