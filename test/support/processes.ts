/**
 * Real processes for end-to-end tests: spawn a bin/ command with an isolated environment,
 * collect its output, wait for a line, signal it, await its exit. Every process is killed in
 * afterAll, so a failing test leaves nothing running.
 *
 * Example:
 *   const worker = spawnBin('worker', ['--pool=default:2'], { QUEUE_PREFIX: prefix });
 *   await worker.waitFor(/Worker started/);
 *   worker.signal('SIGTERM'); expect(await worker.exited).toEqual({ code: 0, signal: null });
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface BinProcess {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  signal(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export function spawnBin(name: string, args: string[], env: Record<string, string | undefined>): BinProcess {
  const child = spawn(resolve(ROOT, 'bin', name), args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    output: () => text,
    exited,
    signal: (signal) => child.kill(signal),
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolvePromise(match);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(`timed out waiting for ${pattern} in output of bin/${name}:\n${text.slice(-3000)}`),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs a bin/ command to completion. */
export async function runBin(
  name: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(resolve(ROOT, 'bin', name), args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
  return { code, stdout, stderr };
}

/** A port nobody listens on now (the OS picks it): support/free-port.ts, shared with the benchmarks. */
export { freePort } from '../../support/free-port';
