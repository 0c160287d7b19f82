/**
 * The process roles bin/dev runs in the foreground, and how their output reaches the terminal.
 *
 * Steps: spawn each role's bin/ command in a session of its own (detached: a terminal's Ctrl-C
 * reaches bin/dev only, which forwards one SIGTERM, so each role stops gracefully); read their
 * stdout and stderr line by line and write each line, formatted when a formatter is given, else as
 * it is (stdout to stdout, stderr to stderr), each seen first by `onLine` (start-up's watch). `exited` settles with the first role that exits; stop() signals every role
 * still running and resolves once all have exited.
 *
 * Example: const running = startRoles(devRoles(root), { root, format: prettyLines({ colour: true }) });
 *          const first = await running.exited; await running.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface DevRole {
  /** The role's name in front of its lines until they name their own ("worker" for the supervisor). */
  name: string;
  /** The bin/ command, relative to the project root. */
  command: string;
  env?: Record<string, string>;
}

/** What bin/dev starts: the web app, the worker pools (restarted when `watch` paths change) and the clock. */
export function devRoles(watch: string): DevRole[] {
  return [
    { name: 'web', command: 'bin/web' },
    { name: 'worker', command: 'bin/worker', env: watch.trim() === '' ? {} : { BACKLOT_WATCH: watch } },
    { name: 'cron', command: 'bin/cron' },
  ];
}

export interface RunningRoles {
  children: ReadonlyMap<string, ChildProcess>;
  /** The first role to exit, with its status. */
  exited: Promise<{ role: string; code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM to every role still running (again: they stop at once); resolves once all have exited. */
  stop(): Promise<void>;
}

export interface StartOptions {
  root: string;
  /** Formats one line of a role's output (see pretty-lines.ts); undefined: each line as it is. */
  format: ((line: string, role: string) => string) | undefined;
  stdout?: Writable;
  stderr?: Writable;
  /** Sees every line a role writes, before it is written out (bin/dev's start-up watch). */
  onLine?: (line: string, role: string) => void;
}

const asWritten = (line: string) => `${line}\n`;

export function startRoles(roles: readonly DevRole[], options: StartOptions): RunningRoles {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const children = new Map<string, ChildProcess>();
  const format = options.format ?? asWritten;
  const relay = (from: Readable | null, to: Writable, role: string) => {
    if (!from) return;
    createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => {
      options.onLine?.(line, role);
      to.write(format(line, role));
    });
  };
  const exits: Promise<void>[] = [];
  let firstExit: (value: { role: string; code: number | null; signal: NodeJS.Signals | null }) => void;
  const exited = new Promise<{ role: string; code: number | null; signal: NodeJS.Signals | null }>(
    (done) => (firstExit = done),
  );
  for (const role of roles) {
    const child = spawn(resolve(options.root, role.command), [], {
      cwd: options.root,
      // Only the roles bin/dev says to watch are watched (see devRoles).
      env: { ...process.env, BACKLOT_WATCH: undefined, ...role.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    relay(child.stdout, stdout, role.name);
    relay(child.stderr, stderr, role.name);
    children.set(role.name, child);
    exits.push(
      new Promise((done) =>
        child.once('exit', (code, signal) => {
          firstExit({ role: role.name, code, signal });
          done();
        }),
      ),
    );
  }
  return {
    children,
    exited,
    async stop() {
      for (const child of children.values()) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      }
      await Promise.all(exits);
    },
  };
}
