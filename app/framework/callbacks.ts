/**
 * Enqueue and perform callbacks (Active Job's before/around/after_enqueue and _perform).
 *
 * Steps: before callbacks run in declaration order; a before callback that returns false halts the
 * chain (the job is not enqueued, or not performed). Around callbacks wrap the action, the first
 * declared outermost; each must call next(). After callbacks run once the action succeeded.
 *
 * Example (inside a job class):
 *   static { this.aroundPerform(async (job, next) => { const t = Date.now(); await next(); log(Date.now() - t) }) }
 */
export type BeforeCallback<J> = (job: J) => unknown;
export type AroundCallback<J> = (job: J, next: () => Promise<void>) => Promise<void>;
export type AfterCallback<J> = (job: J) => unknown;

export interface CallbackChains {
  beforeEnqueue: BeforeCallback<any>[];
  aroundEnqueue: AroundCallback<any>[];
  afterEnqueue: AfterCallback<any>[];
  beforePerform: BeforeCallback<any>[];
  aroundPerform: AroundCallback<any>[];
  afterPerform: AfterCallback<any>[];
}

/** Runs around[index] with next() running the rest of the chain, then the action (state.ran: it ran). */
async function runAround<J>(
  job: J,
  around: readonly AroundCallback<J>[],
  index: number,
  action: () => Promise<void>,
  state: { ran: boolean },
): Promise<void> {
  const callback = around[index];
  if (!callback) {
    await action();
    state.ran = true;
    return;
  }
  await callback(job, () => runAround(job, around, index + 1, action, state));
}

/**
 * Runs before callbacks, the action wrapped in the around callbacks, then the after callbacks.
 * Resolves true when the action ran, false when a before callback halted the chain.
 */
export async function runCallbacks<J>(
  job: J,
  before: readonly BeforeCallback<J>[],
  around: readonly AroundCallback<J>[],
  after: readonly AfterCallback<J>[],
  action: () => Promise<void>,
): Promise<boolean> {
  for (const callback of before) {
    if ((await callback(job)) === false) return false;
  }
  const state = { ran: false };
  await runAround(job, around, 0, action, state);
  if (!state.ran) return false;
  for (const callback of after) await callback(job);
  return true;
}
