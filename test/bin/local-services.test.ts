/**
 * bin/local-services: bin/setup's step that makes a local Redis and PostgreSQL answer on a bare machine.
 * Run as real processes, as the project's machines run them (root): it starts a Redis of its own on a
 * free port (stopped here by its pid); run as `nobody` (runuser) it stops with one line saying what to
 * install or start.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../app/db/admin';

const script = join(PROJECT_ROOT, 'bin/local-services');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(env: Record<string, string>, options: { asNobody?: boolean } = {}) {
  const command = options.asNobody ? 'runuser' : script;
  const args = options.asNobody ? ['-u', 'nobody', '--', 'env', ...envPairs(env), script] : [];
  const result = spawnSync(command, args, {
    cwd: tmpdir(), // no .env of the project's
    encoding: 'utf8',
    // as nobody, the variables reach only the script (through env), not runuser's own lookup
    env: options.asNobody ? process.env : { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

function envPairs(env: Record<string, string>): string[] {
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

const started: Redis[] = [];
afterAll(async () => {
  for (const redis of started) {
    const info = await redis.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    redis.disconnect();
    if (pid > 0) process.kill(pid, 'SIGKILL');
  }
});

describe('bin/local-services', () => {
  it('does nothing when both services answer', () => {
    const result = run({});

    expect(result).toEqual({ status: 0, stderr: '' });
  });

  it('as root, starts a local Redis that does not answer, on the URL port', async () => {
    const port = await freePort();

    const result = run({ REDIS_URL: `redis://127.0.0.1:${port}` });

    expect(result.stderr).toBe(`== Starting Redis on 127.0.0.1:${port}\n`);
    expect(result.status).toBe(0);
    const redis = new Redis({ port, lazyConnect: true });
    started.push(redis);
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
  });

  it('without root, names the command that starts an installed Redis, and exits 1', async () => {
    const port = await freePort();

    const result = run({ REDIS_URL: `redis://127.0.0.1:${port}` }, { asNobody: true });

    expect(result).toEqual({
      status: 1,
      stderr: `Redis is installed but does not answer at 127.0.0.1:${port} (REDIS_URL): start it with 'redis-server --daemonize yes --port ${port}', then run bin/setup again\n`,
    });
  });

  it('without root and without the package, names the Debian package to install, and exits 1', async () => {
    const port = await freePort();
    const bare = mkdtempSync(join(tmpdir(), 'bare-path-'));
    chmodSync(bare, 0o755); // nobody must be able to look inside
    symlinkSync(process.execPath, join(bare, 'node'));
    symlinkSync('/bin/sh', join(bare, 'sh'));
    try {
      const result = run({ REDIS_URL: `redis://127.0.0.1:${port}`, PATH: bare }, { asNobody: true });

      expect(result).toEqual({
        status: 1,
        stderr: `Redis is not installed and nothing answers at 127.0.0.1:${port} (REDIS_URL): install it with 'sudo apt-get install redis-server' (Debian), then run bin/setup again\n`,
      });
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('without root, says how to start PostgreSQL, and exits 1', async () => {
    const port = await freePort();

    const result = run({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/x` }, { asNobody: true });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `PostgreSQL is installed but does not answer at 127.0.0.1:${port} (DATABASE_URL): start it with 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', then run bin/setup again\n`,
    );
  });

  it('leaves a remote URL to the boot check', () => {
    const result = run({ REDIS_URL: 'redis://redis.invalid:6379' });

    expect(result).toEqual({ status: 0, stderr: '' });
  });
});
