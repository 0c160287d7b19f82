/**
 * The end of bin/dev's start-up: wait until the web app answers its health probe and a worker
 * started since `since` heartbeats for every queue, and the roles' output has settled, then say
 * where the app is and how to sign in.
 *
 * Example: if (await webAnswers(url, 60_000)) out.write(readyLines({ url, adminPasswordSet: false, watching: true }).join('\n'))
 *          await workersAnswer({ redis, prefix: '{backlot}', queues: ['default'], since, timeoutMs: 60_000 })
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { listWorkers } from '../../framework/index';

const POLL_MS = 250;

/** Polls GET <url>/healthz until it answers 200 (true) or `timeoutMs` passes (false). */
export async function webAnswers(url: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(POLL_MS);
  }
  return false;
}

export interface WorkersAnswerOptions {
  redis: Redis;
  prefix: string;
  queues: readonly string[];
  /** Heartbeats of workers started before this (an earlier run's, not yet expired) do not count. */
  since: Date;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Polls the workers' heartbeats until every queue has a pool started since `since` (true), or the timeout (false). */
export async function workersAnswer(options: WorkersAnswerOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && !options.signal?.aborted) {
    const workers = await listWorkers(options.redis, options.prefix).catch(() => []);
    const served = new Set(
      workers
        .filter((w) => new Date(w.startedAt).getTime() >= options.since.getTime())
        .flatMap((w) => w.pools.flatMap((pool) => (pool.split(':')[0] ?? '').split(','))),
    );
    if (options.queues.every((queue) => served.has(queue) || served.has('*'))) return true;
    await sleep(POLL_MS);
  }
  return false;
}

/** Resolves once `lastOutputAt()` is `quietMs` in the past (the roles' start-up lines are out), or after `maxMs`. */
export async function outputSettles(
  lastOutputAt: () => number,
  quietMs: number,
  maxMs: number,
): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline && performance.now() - lastOutputAt() < quietMs)
    await sleep(quietMs / 5);
}

/** The lines that end start-up: the URLs and how to sign in as the seeded admin. */
export function readyLines(options: { url: string; adminPasswordSet: boolean; watching: boolean }): string[] {
  const password = options.adminPasswordSet
    ? 'the password in ADMIN_PASSWORD'
    : 'the password bin/setup printed (ADMIN_PASSWORD=... bin/setup sets a new one)';
  return [
    `Backlot is running: ${options.url} (jobs dashboard: ${options.url}/admin/jobs)`,
    `Sign in at ${options.url}/login as admin with ${password}, or sign up at ${options.url}/signup`,
    `${options.watching ? 'Workers restart when a job file changes; ' : ''}Ctrl-C stops everything`,
  ];
}
