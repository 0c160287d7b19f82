/**
 * Test adapter: records enqueued jobs instead of running them (Active Job's TestAdapter). The
 * helpers in testing/ read and perform what it recorded.
 *
 * Example: const adapter = new TestAdapter(); configureBacklot({ adapter }); adapter.enqueued
 */
import type { Job } from '../job';
import type { QueueAdapter } from './adapter';

export interface EnqueuedJob {
  job: Job;
  jobClass: string;
  arguments: unknown[];
  queue: string;
  priority: number | undefined;
  /** Scheduled time in ms since the epoch, for jobs enqueued for later. */
  at: number | undefined;
  /** Jobs this one waits for (enqueueAfter), and the policy when one fails. */
  dependsOn?: { jobs: Job[]; ifDependencyFails: 'fail' | 'run' };
}

export class TestAdapter implements QueueAdapter {
  readonly name = 'test';
  enqueued: EnqueuedJob[] = [];
  performed: EnqueuedJob[] = [];

  enqueue(job: Job): Promise<void> {
    this.record(job, undefined);
    return Promise.resolve();
  }

  enqueueAt(job: Job, timestamp: number): Promise<void> {
    this.record(job, timestamp);
    return Promise.resolve();
  }

  enqueueFlow(job: Job, dependencies: readonly Job[], ifDependencyFails: 'fail' | 'run'): Promise<void> {
    for (const dep of dependencies) this.record(dep, undefined);
    this.record(job, undefined);
    const entry = this.enqueued.at(-1);
    if (entry) entry.dependsOn = { jobs: [...dependencies], ifDependencyFails };
    return Promise.resolve();
  }

  clear(): void {
    this.enqueued = [];
    this.performed = [];
  }

  private record(job: Job, at: number | undefined): void {
    job.serialize();
    job.providerJobId = job.jobId;
    this.enqueued.push({
      job,
      jobClass: job.jobClassName,
      arguments: [...job.arguments],
      queue: job.queueName,
      priority: job.priority,
      at,
    });
  }
}
