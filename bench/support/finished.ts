/**
 * Counts the jobs BullMQ workers finish (completed or failed), calling back after each, for the
 * benchmarks that wait for a known number of jobs (support/side-run.ts, the RSS worker process).
 *
 * Example: countFinished(worker.workers, ({ completed, failed }) => { if (completed + failed === n) done() })
 */
import type { Worker } from 'bullmq';

export interface FinishedCounts {
  completed: number;
  failed: number;
}

export function countFinished(
  workers: readonly Worker[],
  onEach: (counts: Readonly<FinishedCounts>) => void,
): FinishedCounts {
  const counts: FinishedCounts = { completed: 0, failed: 0 };
  for (const worker of workers) {
    worker.on('completed', () => {
      counts.completed += 1;
      onEach(counts);
    });
    worker.on('failed', () => {
      counts.failed += 1;
      onEach(counts);
    });
  }
  return counts;
}
