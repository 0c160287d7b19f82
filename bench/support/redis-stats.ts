/**
 * What a Redis server spent, read from its own counters: INFO commandstats (calls and usec per
 * command since CONFIG RESETSTAT) and INFO cpu (the server process's user + system CPU).
 *
 * Note: Redis counts a command a Lua script calls under that command too, and the script's own
 * EVALSHA usec includes it, so the sum over every command counts script-internal commands twice.
 * Both sides of a comparison run the same scripts, so their ratio stands; the process CPU
 * (cpuUs) is the figure without that overlap (it also holds networking and the event loop).
 *
 * Steps: resetServerStats (CONFIG RESETSTAT, then the CPU reading to subtract) -> run the work ->
 * readServerStats (commandstats minus this module's own INFO/CONFIG calls, CPU since the reset).
 *
 * Example: const base = await resetServerStats(node); ...; const spent = await readServerStats(node, base)
 */
import type { RedisConnection } from '../../app/framework/index';

export interface CommandCost {
  calls: number;
  usec: number;
}

export interface ServerStats {
  /** Per command (subcommands as `config|get`), without the measurement's own INFO and CONFIG RESETSTAT. */
  commands: Record<string, CommandCost>;
  /** Sum of usec over those commands. */
  usec: number;
  /** The server process's user + system CPU (µs) since the reset. */
  cpuUs: number;
}

/** Commands the measurement itself sends: left out of the sums. */
const OWN_COMMANDS = new Set(['info', 'config|resetstat']);

function processCpuUs(info: string): number {
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
}

/** Resets the server's command counters; resolves its CPU reading at that moment (µs). */
export async function resetServerStats(node: RedisConnection): Promise<number> {
  await node.config('RESETSTAT');
  return processCpuUs(await node.info('cpu'));
}

export async function readServerStats(node: RedisConnection, cpuAtReset: number): Promise<ServerStats> {
  const [commandstats, cpu] = await Promise.all([node.info('commandstats'), node.info('cpu')]);
  const commands: Record<string, CommandCost> = {};
  let usec = 0;
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    const name = match[1] as string;
    if (OWN_COMMANDS.has(name)) continue;
    const cost = { calls: Number(match[2]), usec: Number(match[3]) };
    commands[name] = cost;
    usec += cost.usec;
  }
  return { commands, usec, cpuUs: processCpuUs(cpu) - cpuAtReset };
}
