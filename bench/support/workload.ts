/**
 * Pieces of the throughput workload that more than one benchmark runs (throughput, cluster):
 * Backlot's production logger writing to /dev/null, and enqueueing in chunks.
 *
 * Example: configureBacklot({ logger: await backlotLogger('info') });
 *          await inChunks(20_000, 1_000, (_, n) => Job.performAllLater(Array.from({ length: n }, () => NoopJob.build())))
 */
import { pino } from 'pino';
import { logDestination } from '../../config/logger';

/** Calls `add(from, count)` for consecutive chunks of at most `chunk` up to `total`, one after another. */
export async function inChunks(
  total: number,
  chunk: number,
  add: (from: number, count: number) => Promise<unknown>,
): Promise<void> {
  for (let from = 0; from < total; from += chunk) await add(from, Math.min(chunk, total - from));
}

/** The production logger setup (config/logger.ts: base, logDestination), writing to /dev/null (opened before use). */
export async function backlotLogger(level: 'info' | 'warn'): Promise<pino.Logger> {
  const destination = logDestination('/dev/null');
  await destination.ready();
  return pino({ level, base: { pid: process.pid } }, destination);
}
