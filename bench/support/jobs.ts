/**
 * The job classes benchmarks push through Backlot (shared by the parent and bench/support/rss-worker.ts).
 *
 * Example: await NoopJob.performAllLater(Array.from({ length: 1000 }, () => NoopJob.build()))
 */
import { Job, registerJobs } from '../../app/framework/index';
import { epochMs } from './benchmark';

/** Does nothing: what is measured is the framework and the queue. */
export class NoopJob extends Job {
  async perform(): Promise<void> {}
}

/** Like jobs/ping.job.ts (one argument, a small reply), without its extra log line. */
export class BenchPingJob extends Job {
  perform(message = 'ping'): { pong: string; at: string } {
    return { pong: message, at: new Date().toISOString() };
  }
}

/** Records when perform starts (epoch ms, comparable across processes) through a hook. */
export class LatencyProbeJob extends Job {
  static onStart: ((seq: number, startedAt: number) => void) | undefined;
  perform(seq: number): void {
    const startedAt = epochMs();
    LatencyProbeJob.onStart?.(seq, startedAt);
  }
}

registerJobs([NoopJob, BenchPingJob, LatencyProbeJob]);
