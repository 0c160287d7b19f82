/**
 * The loop every maintenance task runs: one set-based statement per chunk until a chunk comes
 * back short, checking the job's signal between chunks and reporting the running total.
 *
 * Example: await untilShort(1000, () => liftExpiredBansChunk(db, now, 1000).then((r) => r.lifted), { signal })
 */

export interface ChunkOptions {
  /** Rows per statement. */
  batchSize?: number;
  /** Checked before each chunk: an aborted signal stops the loop with its reason. */
  signal?: AbortSignal;
  /** Called after each chunk with the running total. */
  onProgress?: (done: number) => void | Promise<void>;
}

/** Runs `step` (resolving rows handled) until it handles fewer than `batchSize`; resolves the total. */
export async function untilShort(
  batchSize: number,
  step: () => Promise<number>,
  options: Pick<ChunkOptions, 'signal' | 'onProgress'> = {},
): Promise<number> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number >= 1 (got ${batchSize})`);
  let total = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const done = await step();
    total += done;
    await options.onProgress?.(total);
    if (done < batchSize) return total;
  }
}

/** `date` moved back by whole days (24 h each). */
export function daysBefore(date: Date, days: number): Date {
  return new Date(date.getTime() - days * 24 * 60 * 60 * 1000);
}
