/**
 * The supervisor of bin/worker: one child process per pool.
 *
 * Steps:
 *   1. fork a child per pool (spawnChild decides how);
 *   2. a child that exits on its own is restarted after a backoff (1 s doubling to 30 s; reset
 *      once a child has run for a minute), each restart logged;
 *   3. the first SIGTERM/SIGINT is forwarded to every child, which stop gracefully; the
 *      supervisor exits 0 when all have exited; a second signal SIGKILLs the children and
 *      exits 1 at once.
 *
 * Example: runSupervisor({ pools, spawnChild: (pool) => fork('bin/worker.ts', ['--child', spec]) })
 */
import type { ChildProcess } from 'node:child_process';
import { backlotSettings } from '../settings';
import { formatPoolSpec, type PoolSpec } from './pool-spec';

export interface SupervisorOptions {
  pools: readonly PoolSpec[];
  spawnChild(pool: PoolSpec): ChildProcess;
  /** @defaultValue 1000 */
  initialBackoffMs?: number;
  /** @defaultValue 30000 */
  maxBackoffMs?: number;
  /** Called instead of process.exit (tests). */
  exit?: (code: number) => void;
}

interface Slot {
  pool: PoolSpec;
  child: ChildProcess | undefined;
  startedAt: number;
  backoffMs: number;
  restartTimer: NodeJS.Timeout | undefined;
}

export function runSupervisor(options: SupervisorOptions): {
  stop(signal?: NodeJS.Signals): void;
  children(): ChildProcess[];
} {
  const log = backlotSettings().logger;
  const initial = options.initialBackoffMs ?? 1_000;
  const max = options.maxBackoffMs ?? 30_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const slots: Slot[] = options.pools.map((pool) => ({
    pool,
    child: undefined,
    startedAt: 0,
    backoffMs: initial,
    restartTimer: undefined,
  }));

  const maybeExit = () => {
    if (stopping && slots.every((s) => !s.child)) {
      log.info('All pools stopped; supervisor exiting');
      exit(0);
    }
  };

  const start = (slot: Slot) => {
    const name = formatPoolSpec(slot.pool);
    const child = options.spawnChild(slot.pool);
    slot.child = child;
    slot.startedAt = Date.now();
    log.info({ pool: name, childPid: child.pid }, `Started pool ${name} (pid ${child.pid})`);
    child.on('exit', (code, signal) => {
      slot.child = undefined;
      if (stopping) {
        log.info({ pool: name, code, signal }, `Pool ${name} exited`);
        maybeExit();
        return;
      }
      if (Date.now() - slot.startedAt > 60_000) slot.backoffMs = initial;
      const wait = slot.backoffMs;
      slot.backoffMs = Math.min(slot.backoffMs * 2, max);
      log.error(
        { pool: name, code, signal, restartInMs: wait },
        `Pool ${name} crashed (code ${code}, signal ${signal}); restarting in ${wait} ms`,
      );
      slot.restartTimer = setTimeout(() => {
        slot.restartTimer = undefined;
        if (!stopping) start(slot);
      }, wait);
    });
  };

  for (const slot of slots) start(slot);

  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (stopping) {
      log.warn('Second signal: killing every pool now');
      for (const slot of slots) slot.child?.kill('SIGKILL');
      exit(1);
      return;
    }
    stopping = true;
    log.info({ signal }, `Received ${signal}: stopping pools gracefully`);
    for (const slot of slots) {
      if (slot.restartTimer) clearTimeout(slot.restartTimer);
      slot.child?.kill(signal);
    }
    maybeExit();
  };

  return { stop, children: () => slots.flatMap((s) => (s.child ? [s.child] : [])) };
}
