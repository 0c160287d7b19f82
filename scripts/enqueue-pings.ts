/**
 * Enqueues COUNT PingJobs in chunks of 1000 (Job.performAllLater), for a worker memory run:
 * bench/worker-memory.bench.ts runs it with a fresh QUEUE_PREFIX before starting bin/worker.
 *
 * Example: QUEUE_PREFIX=mem1 BACKLOT_RUNTIME=tsx bin/runner scripts/enqueue-pings.ts 100000
 */
import { Job } from '../app/framework/index';
import { PingJob } from '../jobs/ping.job';

const CHUNK = 1_000;

export default async function enqueuePings([count = '100000']: string[]): Promise<void> {
  const total = Number(count);
  if (!Number.isInteger(total) || total < 1)
    throw new RangeError(`COUNT must be a whole number ≥ 1, got "${count}"`);
  for (let done = 0; done < total; done += CHUNK) {
    const size = Math.min(CHUNK, total - done);
    await Job.performAllLater(Array.from({ length: size }, (_, i) => PingJob.build(`mem ${done + i}`)));
  }
  process.stdout.write(`Enqueued ${total} PingJobs\n`);
}
