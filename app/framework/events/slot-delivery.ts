/**
 * One delivery of a forwarder slot, and its wait for a destination that is away: deliverWithin
 * hands a batch to the forwarder and races it against timeoutMs (a late delivery's signal is
 * aborted); waitUntilAvailable waits on the forwarder's whenAvailable(), or a second without one.
 *
 * Example:
 *   const result = await deliverWithin(forwarder, batch, 10_000);   // 'ok' | 'timeout'; a throw is the forwarder's
 *   await waitUntilAvailable(forwarder, closing.signal);
 */
import { deadline } from './deadline';
import type { Forwarder } from './forwarder';
import type { BacklotEvent } from './payloads';
import { sleep } from './sleep';

/** Retry delay after DestinationUnavailableError for a forwarder without whenAvailable(). */
const UNAVAILABLE_RETRY_MS = 1_000;

/** Delivers one batch under `controller`'s signal, at most timeoutMs (then aborts it: 'timeout'). */
export async function deliverWithin(
  forwarder: Forwarder,
  batch: BacklotEvent[],
  timeoutMs: number,
  controller: AbortController,
): Promise<'ok' | 'timeout'> {
  const limit = deadline(timeoutMs);
  try {
    const delivering = Promise.resolve().then(() => forwarder.deliver(batch, controller.signal));
    const result = await Promise.race([delivering.then(() => 'ok' as const), limit.promise]);
    if (result !== 'ok') controller.abort(new Error(`delivery timed out after ${timeoutMs} ms`));
    return result === 'ok' ? 'ok' : 'timeout';
  } finally {
    limit.cancel();
  }
}

/** Waits until the forwarder says its destination is back (or `signal` aborts). */
export async function waitUntilAvailable(forwarder: Forwarder, signal: AbortSignal): Promise<void> {
  try {
    await (forwarder.whenAvailable ? forwarder.whenAvailable(signal) : sleep(UNAVAILABLE_RETRY_MS, signal));
  } catch {
    await sleep(UNAVAILABLE_RETRY_MS, signal);
  }
}
