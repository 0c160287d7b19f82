/**
 * Async adapter: runs jobs in this process on timers, a few at a time. For quick local runs:
 * jobs are lost when the process stops (as Danbooru's development setup accepts). Retries wait
 * their delay on a timer; failures are logged and dropped.
 *
 * Example: configureBacklot({ adapter: new AsyncAdapter({ concurrency: 4 }) })
 */
import { executeJob } from '../execution';
import { backlotSettings } from '../settings';
import type { Job } from '../job';
import type { QueueAdapter } from './adapter';
import { freshCopy } from './inline';

export interface AsyncAdapterOptions {
  /** Jobs run at once. @defaultValue 4 */
  concurrency?: number;
}

export class AsyncAdapter implements QueueAdapter {
  readonly name = 'async';
  private readonly concurrency: number;
  private running = 0;
  private readonly ready: Job[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private idleWaiters: (() => void)[] = [];

  constructor(options: AsyncAdapterOptions = {}) {
    this.concurrency = options.concurrency ?? 4;
  }

  enqueue(job: Job): Promise<void> {
    this.ready.push(freshCopy(job));
    this.pump();
    return Promise.resolve();
  }

  enqueueAt(job: Job, timestamp: number): Promise<void> {
    const copy = freshCopy(job);
    this.later(copy, timestamp - Date.now());
    return Promise.resolve();
  }

  /** Resolves when no job is running, ready or waiting on a timer (tests and shutdown). */
  drained(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ready.length = 0;
    return Promise.resolve();
  }

  private later(job: Job, delayMs: number): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.ready.push(job);
        this.pump();
      },
      Math.max(0, delayMs),
    );
    this.timers.add(timer);
  }

  private isIdle(): boolean {
    return this.running === 0 && this.ready.length === 0 && this.timers.size === 0;
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const job = this.ready.shift();
      if (!job) break;
      this.running += 1;
      void this.run(job);
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async run(job: Job): Promise<void> {
    try {
      const outcome = await executeJob(job);
      if (outcome.status === 'retry') this.later(job, outcome.delayMs);
    } catch (error) {
      // executeJob throws only when a discardOn handler or onExhausted raises: log and drop the job.
      backlotSettings().logger.error(
        { jobId: job.jobId, jobClass: job.jobClassName, queue: job.queueName, err: error },
        `Error handling a failure of ${job.jobClassName} (Job ID: ${job.jobId}): ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.running -= 1;
      this.pump();
    }
  }
}
