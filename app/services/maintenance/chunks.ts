/**
 * The loop every maintenance task runs: one set-based statement per chunk until a chunk comes
 * back short, checking the job's signal between chunks and reporting the running total.
 * deleteInChunks is that loop for bulk deletes: select the next chunk of ids (keyset: after the
 * last id of the previous chunk), delete them with one deleteMany statement.
 *
 * Example: await untilShort(1000, () => liftExpiredBansChunk(db, now, 1000).then((r) => r.lifted), { signal })
 *          await deleteInChunks(1000, (after, n) => idsBefore(pool, cutoff, after, n), (ids) => deleteManyX(pool, ids), { signal })
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
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batch size must be a whole number >= 1 (got ${batchSize})`);
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

/**
 * Deletes in chunks until a selection comes back short: `select(afterId, limit)` names the next
 * ids in ascending order, `remove(ids)` deletes them (one deleteMany statement) and resolves how
 * many went. Resolves the rows deleted; progress reports that running count, which is below the
 * ids selected only when some rows went meanwhile.
 */
export async function deleteInChunks(
  batchSize: number,
  select: (afterId: number, limit: number) => Promise<number[]>,
  remove: (ids: number[]) => Promise<number>,
  options: Pick<ChunkOptions, 'signal' | 'onProgress'> = {},
): Promise<number> {
  let afterId = 0;
  let deleted = 0;
  await untilShort(
    batchSize,
    async () => {
      const ids = await select(afterId, batchSize);
      deleted += await remove(ids);
      afterId = ids.at(-1) ?? afterId;
      return ids.length;
    },
    { signal: options.signal, onProgress: () => options.onProgress?.(deleted) },
  );
  return deleted;
}
