import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { runBin, spawnBin } from '../support/processes';
import { useRedisPrefix } from '../support/redis';
import { waitUntil } from '../support/wait';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('bin/web (a real process)', () => {
  const scope = useRedisPrefix('web-bin');
  const base = {
    QUEUE_PREFIX: scope.prefix,
    NODE_ENV: 'test',
    SESSION_SECRET: 's'.repeat(40),
    LOG_LEVEL: 'info',
  };
  const started: Array<ReturnType<typeof spawnBin>> = [];
  afterAll(() => {
    for (const web of started) if (web.child.exitCode === null) web.signal('SIGKILL');
  });

  it('listens on PORT, answers the probes, and on SIGTERM closes idle keep-alive connections and exits 0 at once', async () => {
    const port = await freePort();
    const web = spawnBin('web', [], { ...base, PORT: String(port) });
    started.push(web);
    await web.waitFor(new RegExp(`Web server listening on http://127.0.0.1:${port}`));

    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // Ready once both services answer within the probe's 1 s: a first PostgreSQL connection of a
    // process booted on a loaded machine may take longer, and the probe rightly says so until then.
    const ready = await waitUntil('/readyz answers 200', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      return response.status === 200 ? response : undefined;
    });
    expect(await ready.json()).toEqual({ status: 'ok', checks: { redis: 'ok', postgresql: 'ok' } });
    const page = await fetch(`http://127.0.0.1:${port}/login`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="_csrf"');

    // fetch keeps its connections alive: the server must not wait for them.
    const stopping = Date.now();
    web.signal('SIGTERM');
    expect(await web.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect(web.output()).toContain('Web server stopped');
  });

  it('fails fast with one line when Redis does not answer', async () => {
    const result = await runBin('web', [], {
      ...base,
      PORT: String(await freePort()),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/Redis does not answer at redis:\/\/127\.0\.0\.1:1/);
  });

  it('refuses to start under production without SESSION_SECRET', async () => {
    const result = await runBin('web', [], {
      ...base,
      NODE_ENV: 'production',
      SESSION_SECRET: '',
      PORT: String(await freePort()),
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^SESSION_SECRET is not set/);
  });
});
