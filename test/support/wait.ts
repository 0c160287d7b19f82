/**
 * Waiting in specs: a pause, and polling a condition with a bounded wait and a message saying
 * what did not happen (runtime fault tests, job specs on real workers).
 *
 * Example: const job = await waitUntil('the job is completed', async () => (await queue.getJob(id))?.finishedOn && job)
 */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns something truthy; fails after timeoutMs saying what it waited for. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 30_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error; // e.g. Redis restarting: keep polling
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}
