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
  let ran = false;
  const invoke = async (index: number): Promise<void> => {
    const callback = around[index];
    if (!callback) {
      await action();
      ran = true;
      return;
    }
    await callback(job, () => invoke(index + 1));
  };
  if (around.length === 0) {
    await action();
    ran = true;
  } else {
    await invoke(0);
  }
  if (!ran) return false;
  for (const callback of after) await callback(job);
  return true;
}
