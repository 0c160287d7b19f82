/**
 * Sentinel groups and clusters of test files (test/support/redis-target.ts) whose file never ran
 * its afterAll (a block skipped by -t, a fork vitest ended): record() notes a group's server pids
 * in tmp/redis-topologies/pids-<test pid>-<port>; reapTopologies() kills, by pid, the servers of
 * every note whose test process is gone (checking the pid is still a redis-server) and drops it.
 * Free of vitest imports, so that test/support/global-setup.ts can call it before and after a run.
 *
 * Example: reapTopologies()
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const RECORDS = resolve('tmp/redis-topologies');

function isRedisServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('redis-server');
  } catch {
    return false;
  }
}

/** Notes a group's server pids under tmp/redis-topologies/, for reapTopologies() if the file dies first. */
export function record(servers: { nodes: readonly { pid: number; port: number }[] }): string {
  mkdirSync(RECORDS, { recursive: true });
  const file = join(RECORDS, `pids-${process.pid}-${servers.nodes[0]?.port ?? 0}`);
  writeFileSync(file, servers.nodes.map((n) => n.pid).join('\n'));
  return file;
}

/**
 * Kills (by pid) the servers of every group whose test process is gone, and forgets them: a file
 * that vitest ended, or whose block was skipped (-t), never ran its afterAll. global-setup.ts
 * calls it before and after a run.
 */
export function reapTopologies(): void {
  if (!existsSync(RECORDS)) return;
  for (const name of readdirSync(RECORDS)) {
    const owner = /^pids-(\d+)-/.exec(name)?.[1];
    if (!owner || isAlive(Number(owner))) continue;
    const file = join(RECORDS, name);
    for (const pid of readFileSync(file, 'utf8').split('\n').map(Number))
      if (pid > 0 && isRedisServer(pid)) process.kill(pid, 'SIGKILL');
    rmSync(file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
