import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../app/db/admin';

const dir = mkdtempSync(join(tmpdir(), 'backlot-boot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `await boot(<body>)` in a real tsx process; returns its exit status and output. */
function runBoot(imports: string, body: string) {
  const file = join(dir, `main-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(
    file,
    `import { boot } from ${JSON.stringify(join(PROJECT_ROOT, 'config/boot.ts'))};\n${imports}\nawait boot(async () => { ${body} });\n`,
  );
  const result = spawnSync(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), [file], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('boot', () => {
  it('prints only the message of a ConfigError and exits 1', () => {
    const result = runBoot(
      `import { ConfigError } from ${JSON.stringify(join(PROJECT_ROOT, 'config/env.ts'))};`,
      `throw new ConfigError('Invalid environment variable REDIS_URL="x": expected a URL');`,
    );

    expect(result.status).toBe(1);
    expect(result.stderr).toBe('Invalid environment variable REDIS_URL="x": expected a URL\n');
  });

  it('prints only the message of a ServiceUnavailableError and exits 1', () => {
    const result = runBoot(
      `import { ServiceUnavailableError } from ${JSON.stringify(join(PROJECT_ROOT, 'config/services.ts'))};`,
      `throw new ServiceUnavailableError('Redis', 'redis://127.0.0.1:1', 'Redis does not answer');`,
    );

    expect(result.status).toBe(1);
    expect(result.stderr).toBe('Redis does not answer\n');
  });

  it('prints the stack of any other error and exits 1', () => {
    const result = runBoot('', `throw new TypeError('bug');`);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^TypeError: bug\n\s+at /);
  });

  it('leaves the exit status alone when main succeeds', () => {
    const result = runBoot('', `process.stdout.write('ran');`);

    expect(result.status).toBe(0);
    expect(result.stdout).toBe('ran');
  });
});
