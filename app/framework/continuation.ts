/**
 * Resumable steps (Rails 8.1 ActiveJob::Continuable, Sidekiq's IterableJob): a job divides its
 * work into named steps, and a step records a cursor as it goes. The record lives in the job's
 * stored payload (`continuation`), so a run that was interrupted (shutdown hand-back, a timeout
 * retry, kill -9 then the stalled check) starts again at the recorded step and cursor instead of
 * from the beginning; completed steps are skipped.
 *
 * Steps of Job#step(name, fn):
 *   1. a step named in `completed` is skipped;
 *   2. fn(step) runs with step.cursor = the recorded cursor of that step (undefined the first time);
 *   3. each step.advance(cursor) first refuses to go on if the job was aborted (the run is over:
 *      cancel, timeout, shutdown), then saves { completed, current: { step, cursor } } through the
 *      adapter (BullMQ: job.updateData) and reports progress { step, cursor };
 *   4. when fn returns, the step joins `completed` and that is saved too.
 *
 * The guarantee: an item whose work ran but whose advance() was not saved yet runs again on the
 * resumed run; one saved is never run again. So each item runs at least once, and at most one
 * item per interruption runs twice; work that is idempotent per cursor (or that commits with its
 * cursor) takes effect exactly once.
 *
 * Example:
 *   await this.step<number>('export', async (step) => {
 *     for (let id = step.cursor ?? 0; id < last; id += 1000) { await exportChunk(id); await step.advance(id + 1000) }
 *   });
 */
import { JobOptionsError } from './errors';
import type { Json } from './serializers/serializer';

/** What the payload stores for a job with steps (plain JSON). */
export interface ContinuationState {
  /** Names of the steps that finished, in order. */
  completed: string[];
  /** The step under way and its last saved cursor. */
  current?: { step: string; cursor: Json };
}

/** What a step needs of its job (Job implements it; kept narrow so this module imports no Job). */
export interface StepHost {
  continuation: ContinuationState | undefined;
  readonly abortReason: Error | undefined;
  saveContinuation(state: ContinuationState): Promise<void>;
  reportProgress(value: number | object): Promise<void>;
}

/** The handle a step's function works through. */
export class Step<C extends Json = Json> {
  constructor(
    private readonly host: StepHost,
    readonly name: string,
    private cursorValue: C | undefined,
  ) {}

  /** The last saved cursor of this step: undefined on its first run. */
  get cursor(): C | undefined {
    return this.cursorValue;
  }

  /** Whether this run starts the step again from a saved cursor. */
  get resumed(): boolean {
    return this.cursorValue !== undefined;
  }

  /** Saves the cursor (the work before it is done) and reports it as progress. */
  async advance(cursor: C): Promise<void> {
    const aborted = this.host.abortReason;
    // An aborted run was abandoned (it may already run elsewhere): it saves nothing more.
    if (aborted) throw aborted;
    this.cursorValue = cursor;
    const state = this.host.continuation ?? { completed: [] };
    const next: ContinuationState = { completed: state.completed, current: { step: this.name, cursor } };
    this.host.continuation = next;
    await this.host.saveContinuation(next);
    await this.host.reportProgress({ step: this.name, cursor });
  }
}

/** Runs one named step of a job (see the header): skipped when done, resumed from its cursor. */
export async function runStep<C extends Json>(
  host: StepHost,
  name: string,
  work: (step: Step<C>) => void | Promise<void>,
): Promise<void> {
  if (typeof name !== 'string' || name === '')
    throw new JobOptionsError(`step name must be a non-empty string (got ${JSON.stringify(name)})`);
  const state = host.continuation ?? { completed: [] };
  if (state.completed.includes(name)) return;
  const cursor = state.current?.step === name ? (state.current.cursor as C) : undefined;
  await work(new Step<C>(host, name, cursor));
  if (host.abortReason) throw host.abortReason;
  const done: ContinuationState = { completed: [...state.completed, name] };
  host.continuation = done;
  await host.saveContinuation(done);
}
