/**
 * Reads and steers jobs in the BullMQ queues: counts per queue and state, listings, one job's
 * status, retry, cancel. bin/jobs and the admin pages are thin layers over it. A job whose stored
 * data is not JSON is listed like any other with `malformed` saying so ("malformed job data: ...",
 * also its `error` until a worker fails it); it can be cancelled and removed, not retried. (A
 * payload that parses but is not Backlot's shape fails in the worker, saying what is wrong.)
 *
 * Example:
 *   const inspector = new JobInspector(adapter, ['default', 'bulk_update']);
 *   await inspector.status(id)  // { jobClass, queue, state, attempts, ... } or NoSuchJobError
 */
import type { Job as BullJob, JobType } from 'bullmq';
import type { BullmqAdapter } from '../adapters/bullmq/adapter';
import { malformedDataOf } from '../adapters/bullmq/stored-job';
import { BacklotError } from '../errors';
import { cancelInQueues, type CancelResult } from '../runtime/cancellation';

export class NoSuchJobError extends BacklotError {
  override name = 'NoSuchJobError';
  constructor(readonly jobId: string) {
    super(`no such job: ${jobId}`);
  }
}

export class JobStateError extends BacklotError {
  override name = 'JobStateError';
}

export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;
export type JobState = (typeof JOB_STATES)[number] | 'canceled' | 'unknown';

export interface QueueStats {
  queue: string;
  counts: Record<(typeof JOB_STATES)[number], number>;
  paused: boolean;
}

export interface JobSummary {
  id: string;
  jobClass: string;
  queue: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  enqueuedAt: string | undefined;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  error: string | undefined;
  /** Why the stored data cannot be read ("malformed job data: ..."), if it cannot. */
  malformed: string | undefined;
}

export interface JobStatus extends JobSummary {
  arguments: unknown;
  result: unknown;
  stacktrace: string[];
  progress: unknown;
  /** Jobs this one waits for (flow children), as "queue:id". */
  dependencies: string[];
  /** The job waiting for this one (flow parent), as "queue:id". */
  dependents: string[];
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : undefined);

export function isCanceled(job: BullJob): boolean {
  return typeof job.failedReason === 'string' && job.failedReason.startsWith('canceled');
}

export class JobInspector {
  constructor(
    private readonly adapter: BullmqAdapter,
    readonly queueNames: readonly string[],
  ) {}

  checkQueue(name: string): string {
    if (!this.queueNames.includes(name)) {
      throw new JobStateError(`unknown queue "${name}" (configured queues: ${this.queueNames.join(', ')})`);
    }
    return name;
  }

  async stats(): Promise<QueueStats[]> {
    return Promise.all(
      this.queueNames.map(async (name) => {
        const queue = this.adapter.queue(name);
        const counts = (await queue.getJobCounts(...JOB_STATES)) as QueueStats['counts'];
        return { queue: name, counts, paused: await queue.isPaused() };
      }),
    );
  }

  async summarize(job: BullJob, knownState?: JobState): Promise<JobSummary> {
    let state: JobState = knownState ?? (await job.getState());
    if (state === 'failed' && isCanceled(job)) state = 'canceled';
    const malformed = malformedDataOf(job);
    return {
      id: String(job.id),
      jobClass: job.name,
      queue: job.queueName,
      state,
      attempts: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      enqueuedAt: iso(job.timestamp),
      startedAt: iso(job.processedOn),
      finishedAt: iso(job.finishedOn),
      error: job.failedReason || malformed,
      malformed,
    };
  }

  /** Most recent jobs first, across the given queue (or all) and state (or all). */
  async list(options: { queue?: string; state?: string; limit?: number } = {}): Promise<JobSummary[]> {
    const limit = options.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1)
      throw new JobStateError(`limit must be a whole number >= 1 (got ${limit})`);
    const queues = options.queue ? [this.checkQueue(options.queue)] : this.queueNames;
    let types: JobType[] = [...JOB_STATES];
    if (options.state) {
      const wanted = options.state === 'canceled' ? 'failed' : options.state;
      if (!(JOB_STATES as readonly string[]).includes(wanted)) {
        throw new JobStateError(
          `unknown state "${options.state}" (states: ${[...JOB_STATES, 'canceled'].join(', ')})`,
        );
      }
      types = [wanted as JobType];
    }
    const perQueue = await Promise.all(
      queues.map(async (name) => {
        const queue = this.adapter.queue(name);
        const jobs: BullJob[] = [];
        for (const type of types)
          jobs.push(...(await queue.getJobs([type], 0, limit - 1, false)).filter(Boolean));
        return Promise.all(jobs.map((job) => this.summarize(job)));
      }),
    );
    let all = perQueue.flat();
    if (options.state) all = all.filter((j) => j.state === options.state);
    return all.sort((a, b) => (b.enqueuedAt ?? '').localeCompare(a.enqueuedAt ?? '')).slice(0, limit);
  }

  async find(id: string): Promise<BullJob | undefined> {
    for (const name of this.queueNames) {
      const job = await this.adapter.queue(name).getJob(id);
      if (job) return job;
    }
    return undefined;
  }

  async status(id: string): Promise<JobStatus> {
    const job = await this.find(id);
    if (!job) throw new NoSuchJobError(id);
    const summary = await this.summarize(job);
    const deps = await job.getDependencies().catch(() => ({ processed: {}, unprocessed: [] as string[] }));
    const dependencies = [...Object.keys(deps.processed ?? {}), ...(deps.unprocessed ?? [])].map(stripPrefix);
    const data = job.data as { arguments?: unknown } | null;
    return {
      ...summary,
      arguments: summary.malformed ? undefined : data?.arguments,
      result: job.returnvalue,
      stacktrace: job.stacktrace ?? [],
      progress: job.progress,
      dependencies,
      dependents: job.parentKey ? [stripPrefix(job.parentKey)] : [],
    };
  }

  /** Retries a failed job now. */
  async retry(id: string): Promise<void> {
    const job = await this.find(id);
    if (!job) throw new NoSuchJobError(id);
    const state = await job.getState();
    if (state !== 'failed') throw new JobStateError(`job ${id} is ${state}, only failed jobs can be retried`);
    const malformed = malformedDataOf(job);
    if (malformed) throw new JobStateError(`job ${id} cannot be retried (${malformed}): remove it`);
    // A manual retry starts the retryOn counts afresh, as attemptsMade does.
    await job.updateData({ ...(job.data as object), exceptionExecutions: {} });
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }

  /** Retries every failed job of a queue; resolves how many. */
  async retryAllFailed(queueName: string): Promise<number> {
    const queue = this.adapter.queue(this.checkQueue(queueName));
    const count = await queue.getFailedCount();
    await queue.retryJobs({ state: 'failed', count: 1000 });
    return count;
  }

  /** Runs a delayed job now. */
  async promote(id: string): Promise<void> {
    const job = await this.find(id);
    if (!job) throw new NoSuchJobError(id);
    const state = await job.getState();
    if (state !== 'delayed')
      throw new JobStateError(`job ${id} is ${state}, only delayed jobs can be run now`);
    await job.promote();
  }

  async cancel(id: string, reason = 'canceled'): Promise<CancelResult> {
    const queues = this.queueNames.map((name) => this.adapter.queue(name));
    return cancelInQueues(queues, this.adapter.connection, this.adapter.prefix, id, reason);
  }
}

/** "{backlot}:default:42" -> "default:42" */
function stripPrefix(key: string): string {
  const parts = key.split(':');
  return parts.slice(-2).join(':');
}
