/**
 * Parses delayed_job-style pool specs: `QUEUES[:N]`, QUEUES a comma-separated list of queue
 * names (`*` or empty: every configured queue), N how many jobs the pool runs at once (default 1).
 *
 * Example: parsePoolSpec('default,mail:8', ['default', 'mail']) -> { queues: ['default','mail'], concurrency: 8 }
 */
import { JobOptionsError } from '../errors';

export interface PoolSpec {
  queues: string[];
  concurrency: number;
}

export class PoolSpecError extends JobOptionsError {}

export function parsePoolSpec(spec: string, knownQueues: readonly string[]): PoolSpec {
  const match = /^([^:]*)(?::(.*))?$/.exec(spec.trim());
  const queuePart = match?.[1] ?? '';
  const countPart = match?.[2];
  let concurrency = 1;
  if (countPart !== undefined) {
    if (!/^\d+$/.test(countPart) || Number(countPart) < 1 || Number(countPart) > 1000) {
      throw new PoolSpecError(
        `--pool=${spec}: the job count after ":" must be a whole number from 1 to 1000`,
      );
    }
    concurrency = Number(countPart);
  }
  const names = queuePart
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  if (names.length === 0 || names.includes('*')) return { queues: [...knownQueues], concurrency };
  for (const name of names) {
    if (!knownQueues.includes(name)) {
      throw new PoolSpecError(
        `--pool=${spec}: unknown queue "${name}" (configured queues: ${knownQueues.join(', ')})`,
      );
    }
  }
  return { queues: [...new Set(names)], concurrency };
}

export function formatPoolSpec(pool: PoolSpec): string {
  return `${pool.queues.join(',')}:${pool.concurrency}`;
}
