/**
 * Helpers for the outbox fault tests: enqueuer processes (test/fixtures/outbox-enqueuer.ts),
 * reading the outbox table and counting how often each job ran (RecordRunJob's `<key>:runs`).
 *
 * Example:
 *   const enqueuer = spawnEnqueuer(key, 100, env); await enqueuer.done;
 *   const runs = await runsById(redis, key);   // Map jobId -> times run
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll } from 'vitest';
import { ROOT } from '../support/processes';
import { testDatabaseUrl } from '../support/database';

const ENQUEUER = resolve(ROOT, 'test/fixtures/outbox-enqueuer.ts');
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export interface Enqueuer {
  child: ChildProcess;
  /** Job ids committed so far. */
  committed(): string[];
  /** Resolves once it printed "done" (every transaction committed). */
  done: Promise<void>;
}

export function spawnEnqueuer(
  key: string,
  count: number,
  env: Record<string, string>,
  hang = false,
): Enqueuer {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ENQUEUER, key, String(count), ...(hang ? ['--hang'] : [])],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  started.push(child);
  let out = '';
  let err = '';
  const done = new Promise<void>((resolveDone, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/^done$/m.test(out)) resolveDone();
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code, signal) => {
      if (!/^done$/m.test(out)) reject(new Error(`enqueuer exited ${code ?? signal} before done:\n${err}`));
    });
  });
  return { child, done, committed: () => [...out.matchAll(/^committed (\S+)$/gm)].map((m) => m[1] ?? '') };
}

/** How often each job id ran. */
export async function runsById(redis: Redis, key: string): Promise<Map<string, number>> {
  const runs = new Map<string, number>();
  for (const id of await redis.lrange(`${key}:runs`, 0, -1)) runs.set(id, (runs.get(id) ?? 0) + 1);
  return runs;
}

/** Rows waiting in this worker's test database's outbox. */
export async function outboxRows(): Promise<string[]> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query<{ job_id: string }>('SELECT job_id FROM job_outbox ORDER BY id')).rows.map(
      (row) => row.job_id,
    );
  } finally {
    await client.end();
  }
}

/** The relay leader of `prefix` recorded in job_outbox_relay. */
export async function recordedLeader(prefix: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ leader: string }>(
      'SELECT leader FROM job_outbox_relay WHERE queue_prefix = $1',
      [prefix],
    );
    return rows[0]?.leader;
  } finally {
    await client.end();
  }
}
