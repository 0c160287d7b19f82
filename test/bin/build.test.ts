import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobNameOf } from '../../app/framework/index';
import { ALL_JOBS } from '../../jobs/index';
import { ROOT, runBin } from '../support/processes';
import { useRedisPrefix } from '../support/redis';

/** Runs a command in the project root to completion. */
function run(command: string, args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bin/build (compiled runtime roles)', () => {
  // Inside the project, as bin/build's own output is: bundles find node_modules by walking up.
  const outdir = join('tmp', `test-build-${randomBytes(4).toString('hex')}`);
  const scope = useRedisPrefix('build-bin');
  const env = {
    QUEUE_PREFIX: scope.prefix,
    NODE_ENV: 'test',
    JOB_ADAPTER: 'bullmq',
    BACKLOT_DIST: join(ROOT, outdir),
    BACKLOT_RUNTIME_REPORT: '1',
  };

  beforeAll(async () => {
    const built = await runBin('build', ['--outdir', outdir]);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
  }, 60_000);

  afterAll(() => rmSync(join(ROOT, outdir), { recursive: true, force: true }));

  it('writes one bundle per runtime role and a build stamp', () => {
    expect(
      readdirSync(join(ROOT, outdir, 'bin'))
        .filter((f) => f.endsWith('.mjs'))
        .sort(),
    ).toEqual(['cron.mjs', 'jobs.mjs', 'maintenance.mjs', 'web.mjs', 'worker.mjs']);
    expect(existsSync(join(ROOT, outdir, '.build-stamp'))).toBe(true);
  });

  it('keeps every job class name: a compiled process knows the jobs by the names the sources give them', async () => {
    // A job is stored under its class name; a bundler renaming a class (esbuild: class _Foo) would
    // strand the jobs one process enqueues where another looks them up.
    const result = await run('node', [join(outdir, 'bin/jobs.mjs'), 'enqueue', 'NoSuchJob'], env);
    expect(result.code).toBe(1);
    const known = /\(known: ([^)]*)\)/.exec(result.stderr)?.[1]?.split(', ');
    expect(known).toEqual(ALL_JOBS.map((cls) => jobNameOf(cls)).sort());
  });

  it('runs a job end to end on a compiled worker pool, with no TypeScript loader in the process', async () => {
    const worker = spawn('node', [join(outdir, 'bin/worker.mjs'), '--pool=default:2'], {
      cwd: ROOT,
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const seen = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}:\n${output.slice(-3000)}`)),
          30_000,
        );
        const check = () => {
          if (!pattern.test(output)) return;
          clearTimeout(timer);
          resolve();
        };
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          check();
        };
        worker.stdout.on('data', onData);
        worker.stderr.on('data', onData);
        check();
      });
    try {
      await seen(/Worker started for pool default:2/);
      const enqueued = await runBin('jobs', ['enqueue', 'PingJob', '"compiled"', '--json'], env);
      expect(enqueued.code).toBe(0);
      const { id } = JSON.parse(enqueued.stdout) as { id: string };
      await seen(new RegExp(`"event":"finish","jobId":"${id}"`));
      expect(output).toContain('pong: compiled');
      // The pool child was forked from the bundle: same file, no --import of tsx.
      expect(output).not.toMatch(/tsx/);
    } finally {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
  }, 60_000);

  it('bin/tsx-run runs the build while it is fresh, the sources once one is newer or a .ts module is named', async () => {
    const fresh = await run('bin/jobs', ['--help'], env);
    expect(fresh.stderr).toContain(`runtime: dist (${outdir}/bin/jobs.mjs)`);

    const withModule = await run('bin/worker', ['--require', 'test/fixtures/jobs.ts', '--help'], env);
    expect(withModule.stderr).toContain('runtime: tsx (bin/worker.ts)');

    const insisted = await run('bin/jobs', ['--help'], { ...env, BACKLOT_RUNTIME: 'tsx' });
    expect(insisted.stderr).toContain('runtime: tsx (bin/jobs.ts)');

    // A build older than the sources (as after editing a file) is not used.
    const stamp = join(ROOT, outdir, '.build-stamp');
    utimesSync(stamp, new Date('2000-01-01'), new Date('2000-01-01'));
    const stale = await run('bin/jobs', ['--help'], env);
    expect(stale.stderr).toContain('runtime: tsx (bin/jobs.ts)');
    const required = await run('bin/jobs', ['--help'], { ...env, BACKLOT_RUNTIME: 'dist' });
    expect(required.code).toBe(1);
    expect(required.stderr).toContain(
      `BACKLOT_RUNTIME=dist but ${outdir}/bin/jobs.mjs is missing or older than the sources: run bin/build`,
    );
  }, 60_000);
});
