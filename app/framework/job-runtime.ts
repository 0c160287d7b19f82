/**
 * What a job's perform sees while it runs: this.logger, this.signal (aborted on cancel, timeout or
 * shutdown), touch(), reportProgress() (declared here, written in Job: its event names the job),
 * step(name, fn) (resumable work, continuation.ts), this.batch and dependencyResults(). The Job
 * class extends it; nothing else does.
 *
 * Steps: the adapter sets `context` (its hooks) and executeJob sets `guard` (the timeouts);
 * progress and continuation go through the context, liveness and abort through the guard.
 *
 * Example:
 *   async perform(url: string) {
 *     const res = await fetch(url, { signal: this.signal });
 *     await this.reportProgress(50);
 *     await this.step('resize', async () => { ... });
 *   }
 */
import type { Logger } from 'pino';
import { Batch } from './batches/batch';
import { runStep, type ContinuationState, type Step } from './continuation';
import type { ExecutionContext } from './job-payload';
import { JobPayloadState } from './job-payload-state';
import type { Json } from './serializers/serializer';
import { backlotSettings } from './settings';
import type { ExecutionGuard } from './timeouts';

export abstract class JobRuntime extends JobPayloadState {
  private abortController: AbortController | undefined;
  private abortReasonValue: Error | undefined;
  /** The running execution's guard (set by executeJob). */
  guard: ExecutionGuard | undefined;
  /** Set by the adapter that runs the job. */
  context: ExecutionContext | undefined;
  private loggerValue: Logger | undefined;

  /** A child of the framework's logger bound to this job's id and class (Sidekiq's Job#logger). */
  get logger(): Logger {
    return (this.loggerValue ??= backlotSettings().logger.child({
      jobId: this.jobId,
      jobClass: this.jobClassName,
    }));
  }

  /** Reports progress (a percentage or an object) to the queue, where dashboards see it. */
  abstract reportProgress(value: number | object): Promise<void>;

  /** The batch this job belongs to (add more jobs with this.batch?.add([...])); undefined outside one. */
  get batch(): Batch | undefined {
    return this.batchId === undefined ? undefined : Batch.of(this.batchId);
  }

  /** Return values of the jobs this job waited for (see enqueueAfter), keyed by "queue:id". */
  async dependencyResults(): Promise<Record<string, unknown>> {
    return (await this.context?.dependencyResults?.()) ?? {};
  }

  /** A resumable step: skipped once completed, else run from the last saved cursor (continuation.ts). */
  step<C extends Json = Json>(name: string, work: (step: Step<C>) => void | Promise<void>): Promise<void> {
    return runStep(this, name, work);
  }

  /** Stores the steps' state through the adapter (in memory without one). */
  async saveContinuation(state: ContinuationState): Promise<void> {
    this.continuation = state;
    await this.context?.saveContinuation?.(state);
  }

  /** Tells the framework the job is alive without reporting progress (see touchTimeout). */
  touch(): void {
    this.guard?.touch();
  }

  /** Aborted on cancel, timeout or shutdown (pass it to fetch, streams, timers); made on first use. */
  get signal(): AbortSignal {
    if (!this.abortController) {
      this.abortController = new AbortController();
      if (this.abortReasonValue) this.abortController.abort(this.abortReasonValue);
    }
    return this.abortController.signal;
  }

  /** Why the job was aborted, if it was. */
  get abortReason(): Error | undefined {
    return this.abortReasonValue;
  }

  /** Aborts the running job: its signal fires and perform is abandoned with this reason. */
  abort(reason: Error): void {
    if (this.abortReasonValue) return;
    this.abortReasonValue = reason;
    this.abortController?.abort(reason);
    this.guard?.reject(reason);
  }
}
