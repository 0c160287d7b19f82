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
import type { Job as BullJob } from 'bullmq';
import type { BullmqAdapter } from '../adapters/bullmq/adapter';
import { malformedDataOf } from '../adapters/bullmq/stored-job';
import { BacklotError } from '../errors';
import { cancelInQueues, type CancelResult } from '../runtime/cancellation';
import {
  countShownStates,
  isShownState,
  shownAttempts,
  shownError,
  shownState,
  SHOWN_STATES,
  storedStateOf,
  JOB_STATES,
  type JobState,
  type ShownState,
  type StoredState,
} from './job-state';

export class NoSuchJobError extends BacklotError {
  override name = 'NoSuchJobError';
  constructor(readonly jobId: string) {
    super(`no such job: ${jobId}`);
  }
}

export class JobStateError extends BacklotError {
  override name = 'JobStateError';
}

export interface QueueStats {
  queue: string;
  /** Jobs per shown state (completed without the discarded, failed without the canceled). */
  counts: Record<ShownState, number>;
  paused: boolean;
}

/** Which jobs a listing or a bulk action covers; each field left out matches all. */
export interface JobFilter {
  queue?: string;
  state?: string;
  jobClass?: string;
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
        const [counts, paused] = await Promise.all([
          countShownStates(queue, this.adapter.connection),
          queue.isPaused(),
        ]);
        return { queue: name, counts, paused };
      }),
    );
  }

  async summarize(job: BullJob, knownState?: string): Promise<JobSummary> {
    const state = shownState(job, knownState ?? (await job.getState()));
    const malformed = malformedDataOf(job);
    return {
      id: String(job.id),
      jobClass: job.name,
      queue: job.queueName,
      state,
      attempts: shownAttempts(job, state),
      maxAttempts: job.opts.attempts ?? 1,
      enqueuedAt: iso(job.timestamp),
      startedAt: iso(job.processedOn),
      finishedAt: iso(job.finishedOn),
      error: shownError(job, state, malformed),
      malformed,
    };
  }

  /** Most recent jobs first, across the given queue (or all), state (or all) and class (or all). */
  async list(options: JobFilter & { limit?: number } = {}): Promise<JobSummary[]> {
    const limit = options.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1)
      throw new JobStateError(`limit must be a whole number >= 1 (got ${limit})`);
    const found: JobSummary[] = [];
    for await (const batch of this.matching(options, limit)) found.push(...batch);
    return found.sort((a, b) => (b.enqueuedAt ?? '').localeCompare(a.enqueuedAt ?? '')).slice(0, limit);
  }

  /**
   * The jobs matching `filter`, in batches of at most `batchSize` per queue and stored state,
   * newest first within each; with `perSet`, stops reading a queue's state after that many matches.
   */
  async *matching(filter: JobFilter, perSet = Infinity, batchSize = 200): AsyncGenerator<JobSummary[]> {
    const queues = filter.queue ? [this.checkQueue(filter.queue)] : this.queueNames;
    const wanted = filter.state ? this.checkState(filter.state) : undefined;
    const types: StoredState[] = wanted ? [storedStateOf(wanted)] : [...JOB_STATES];
    const size = Math.max(1, Math.min(batchSize, perSet));
    for (const name of queues) {
      const queue = this.adapter.queue(name);
      for (const type of types) {
        let matched = 0;
        for (let start = 0; matched < perSet; start += size) {
          const jobs = (await queue.getJobs([type], start, start + size - 1, false)).filter(Boolean);
          const batch = (await Promise.all(jobs.map((job) => this.summarize(job, type)))).filter(
            (job) =>
              (!wanted || job.state === wanted) && (!filter.jobClass || job.jobClass === filter.jobClass),
          );
          const kept = batch.slice(0, perSet - matched);
          matched += kept.length;
          if (kept.length > 0) yield kept;
          if (jobs.length < size) break;
        }
      }
    }
  }

  checkState(state: string): ShownState {
    if (!isShownState(state)) {
      throw new JobStateError(`unknown state "${state}" (states: ${SHOWN_STATES.join(', ')})`);
    }
    return state;
  }

  /** Stops workers taking new jobs from the queue (running ones finish); resume undoes it. */
  async pause(queueName: string): Promise<void> {
    await this.adapter.queue(this.checkQueue(queueName)).pause();
  }

  async resume(queueName: string): Promise<void> {
    await this.adapter.queue(this.checkQueue(queueName)).resume();
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
    const deps: Awaited<ReturnType<BullJob['getDependencies']>> = await job
      .getDependencies()
      .catch(() => ({}));
    // Done, still to run, failed (failing this job) and failed but ignored ('run' policy).
    const dependencies = [
      ...Object.keys(deps.processed ?? {}),
      ...(deps.unprocessed ?? []),
      ...(deps.failed ?? []),
      ...Object.keys(deps.ignored ?? {}),
    ].map(stripPrefix);
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
