import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes';
import { useRedisPrefix } from '../support/redis';

/** Starting every role and stopping them again, on a machine whose CPUs other test runs share. */
const START_AND_STOP_MS = 120_000;

/** A loopback port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

interface Dev {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  waitFor(pattern: RegExp, from?: 'stdout' | 'stderr'): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: { child: ChildProcess; tty: boolean }[] = [];
/** Folders the watch test made, removed once every bin/dev has stopped (a removal restarts a watching worker). */
const folders: string[] = [];
/** What a test left running is stopped as a user would (Ctrl-C), so bin/dev stops its roles too; SIGKILL only if that hangs. */
afterAll(async () => {
  await Promise.all(
    started.map(async ({ child, tty }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      if (tty) child.stdin?.write('\u0003');
      else child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}, 60_000);

/**
 * bin/dev as a user starts it: `tty` runs it on a pseudo-terminal (util-linux script), Ctrl-C through it.
 * script runs its command through $SHELL -c; `exec` makes bin/dev that process, as a terminal's shell
 * would run it in the foreground. Without it dash (Debian's /bin/sh, script's shell when SHELL is
 * unset) stays as bin/dev's parent and dies of the Ctrl-C itself, so script reports 130.
 */
function startDev(env: Record<string, string>, tty: boolean): Dev {
  const child = tty
    ? spawn('script', ['-qfec', 'exec bin/dev', '/dev/null'], {
        cwd: ROOT,
        env: { ...process.env, SHELL: '/bin/sh', ...env },
      })
    : spawn(join(ROOT, 'bin/dev'), [], { cwd: ROOT, env: { ...process.env, ...env } });
  started.push({ child, tty });
  const text = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    text.stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text.stderr += chunk.toString();
    for (const listener of listeners) listener();
  });
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exited: new Promise((done) => child.on('exit', (code, signal) => done({ code, signal }))),
    waitFor: (pattern, from = 'stdout') =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stripVTControlCharacters(text[from]))) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `timed out waiting for ${pattern} in bin/dev's ${from}:\n${text.stdout.slice(-3000)}\n${text.stderr.slice(-2000)}`,
            ),
          );
        }, 90_000);
        listeners.add(check);
        check();
      }),
  };
}

describe('bin/dev (real processes: web, worker pools, clock)', () => {
  const scope = useRedisPrefix('dev');
  const base = { QUEUE_PREFIX: scope.prefix, NODE_ENV: 'test', LOG_LEVEL: 'info', JOB_ADAPTER: 'bullmq' };

  it(
    'on a terminal: coloured readable lines, the role in front, local times; ends start-up with the URL and how to sign in; Ctrl-C stops everything',
    { timeout: START_AND_STOP_MS },
    async () => {
      const port = await freePort();
      // Kathmandu (UTC+5:45) tells local time from UTC in both hours and minutes.
      const dev = startDev({ ...base, PORT: String(port), TZ: 'Asia/Kathmandu', DEV_WATCH: '' }, true);
      await dev.waitFor(/Sign in at/);
      const raw = dev.stdout();
      const out = stripVTControlCharacters(raw);
      expect(raw).toContain(`${String.fromCharCode(27)}[36mweb`);

      const line = (role: string, message: string) =>
        new RegExp(`^${role} +\\[(\\d\\d):(\\d\\d):\\d\\d\\.\\d{3}\\] INFO: ${message}`, 'm');
      const listening = line('web', `Web server listening on http://127\\.0\\.0\\.1:${port}`).exec(out);
      expect(listening).not.toBeNull();
      expect(out).toMatch(line('worker default:8', 'Worker started for pool default:8'));
      expect(out).toMatch(line('worker bulk_update', 'Worker started for pool bulk_update:1'));
      expect(out).toMatch(line('cron', 'Clock started'));
      expect(out).toMatch(line('worker', 'Starting worker supervisor'));
      const shown = Number(listening?.[1]) * 60 + Number(listening?.[2]);
      const [hour = 0, minute = 0] = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Kathmandu',
        hour: '2-digit',
        minute: '2-digit',
      })
        .format(new Date())
        .split(':')
        .map(Number);
      expect(Math.abs(hour * 60 + minute - shown) % (24 * 60)).toBeLessThanOrEqual(2);

      const ready = out.indexOf(`bin/dev: Backlot is running: http://127.0.0.1:${port}`);
      expect(ready).toBeGreaterThan(out.indexOf('Web server listening'));
      expect(ready).toBeGreaterThan(out.indexOf('Worker started for pool default:8'));
      expect(ready).toBeGreaterThan(out.indexOf('Worker started for pool bulk_update:1'));
      expect(out).toContain(
        `bin/dev: Sign in at http://127.0.0.1:${port}/login as admin with the password bin/setup printed`,
      );

      dev.child.stdin?.write('\u0003'); // Ctrl-C on the terminal
      expect(await dev.exited).toEqual({ code: 0, signal: null });
      const stopped = stripVTControlCharacters(dev.stdout());
      expect(stopped).toMatch(/^worker +.*All pools stopped; supervisor exiting/m);
      expect(stopped).toMatch(/^web +.*Web server stopped/m);
      expect(stopped).toMatch(/cron +\[[\d:.]+\] INFO: Clock stopped/); // its line may follow the echoed ^C
    },
  );

  it(
    'on a terminal with LOG_FORMAT=json: the JSON lines as written',
    { timeout: START_AND_STOP_MS },
    async () => {
      const port = await freePort();
      const dev = startDev({ ...base, PORT: String(port), DEV_WATCH: '', LOG_FORMAT: 'json' }, true);
      await dev.waitFor(/Sign in at/);
      const lines = stripVTControlCharacters(dev.stdout()).split(/\r?\n/);
      const json = lines.filter((l) => l.startsWith('{'));
      expect(json.some((l) => l.includes('"role":"web"') && l.includes('"msg":"Web server listening'))).toBe(
        true,
      );
      expect(lines.filter((l) => /^(web|cron|worker)\b/.test(l))).toEqual([]);
      dev.child.stdin?.write('\u0003');
      expect(await dev.exited).toEqual({ code: 0, signal: null });
    },
  );

  it(
    'not on a terminal: the JSON lines as written; a change under a watched path restarts only the workers',
    { timeout: 2 * START_AND_STOP_MS },
    async () => {
      const port = await freePort();
      const watched = join('tmp', `dev-watch-${process.pid}-${Date.now()}`);
      mkdirSync(join(ROOT, watched), { recursive: true });
      folders.push(join(ROOT, watched));
      const dev = startDev({ ...base, PORT: String(port), DEV_WATCH: watched }, false);
      await dev.waitFor(/Workers restart when a job file changes/, 'stderr');
      // Written to stdout before the banner went to stderr; the two pipes may arrive in either order.
      await dev.waitFor(/"msg":"Worker started for pool default:8"/);
      await dev.waitFor(/"msg":"Worker started for pool bulk_update:1"/);
      const jsonLines = dev
        .stdout()
        .split('\n')
        .filter((l) => l !== '');
      const roles = new Set(jsonLines.map((l) => (JSON.parse(l) as { role: string }).role));
      expect([...roles].sort()).toEqual(['cron', 'web', 'worker', 'worker bulk_update', 'worker default:8']);
      expect(dev.stderr()).toContain(`bin/dev: Backlot is running: http://127.0.0.1:${port}`);

      writeFileSync(join(ROOT, watched, 'changed.job.ts'), 'export {};\n');
      await dev.waitFor(
        /Restarting '.*bin\/worker\.ts'[\s\S]*"role":"worker default:8"[^\n]*"msg":"Worker started for pool default:8"/,
      );
      const after = dev.stdout();
      expect(after.match(/"msg":"Worker started for pool default:8"/g)).toHaveLength(2);
      expect(after.match(/"msg":"Web server listening/g)).toHaveLength(1);
      expect(after.match(/"msg":"Clock started/g)).toHaveLength(1);

      dev.child.kill('SIGINT');
      expect(await dev.exited).toEqual({ code: 0, signal: null });
    },
  );
});
