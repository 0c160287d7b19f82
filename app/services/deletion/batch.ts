/**
 * Deleting one batch of marked records (the deleter's unit of work), in the safe order:
 *
 *   1. for each record (up to FILE_CONCURRENCY at a time): its external files (an upload's source
 *      file), then its local derived files (thumbnails, logs): storage.ts. A failure stops that
 *      record here: its row and its mark stay, and the reason goes back to the deleter, which logs
 *      it and retries the record at a later periodic scan;
 *   2. per model, the rows of the records whose files went, with one deleteMany call (post_tags and
 *      favorites cascade; tags' post counts follow). A failing statement keeps those rows and
 *      marks for a later scan (their files are gone already, and removing nothing again is fine);
 *   3. per deleted record: one INFO line ("Deleted Post 12"), the details (paths, when it was
 *      marked) at DEBUG, and a record.deleted event.
 *
 * Example: const outcome = await deleteBatch({ pool: dbPool(), storage, logger }, rows)
 */
import type { Logger } from 'pino';
import type { ConnectionPool } from '../../db/delete-many';
import type { MarkedRow } from '../../db/deletion.repository';
import { announceDeleted } from './announce';
import { DELETABLE_MODELS, ROW_DELETERS, type DeletableModel } from './models';
import type { DeletionStorage, RemovedPath } from './storage';

/** Records whose files are removed at the same time. @defaultValue 8 */
export const FILE_CONCURRENCY = 8;

export interface BatchContext {
  pool: ConnectionPool;
  storage: DeletionStorage;
  logger: Logger;
}

export interface FailedRecord {
  row: MarkedRow;
  /** 'files': a file could not be removed; 'row': the DELETE failed. */
  stage: 'files' | 'row';
  reason: string;
}

export interface BatchOutcome {
  deleted: MarkedRow[];
  failed: FailedRecord[];
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function mapLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export async function deleteBatch(ctx: BatchContext, rows: readonly MarkedRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { deleted: [], failed: [] };
  const ready = new Map<DeletableModel, { row: MarkedRow; paths: RemovedPath[] }[]>();
  await mapLimited(rows, FILE_CONCURRENCY, async (row) => {
    try {
      const external = await ctx.storage.removeExternalFiles(row);
      const derived = await ctx.storage.removeDerivedFiles(row);
      const list = ready.get(row.model) ?? [];
      list.push({ row, paths: [...external, ...derived] });
      ready.set(row.model, list);
    } catch (error) {
      outcome.failed.push({ row, stage: 'files', reason: reasonOf(error) });
    }
  });

  for (const model of DELETABLE_MODELS) {
    const records = (ready.get(model) ?? []).sort((a, b) => a.row.id - b.row.id);
    if (records.length === 0) continue;
    const ids = records.map((r) => r.row.id);
    let count: number;
    try {
      count = await ROW_DELETERS[model](ctx.pool, ids);
    } catch (error) {
      for (const { row } of records)
        outcome.failed.push({ row, stage: 'row', reason: `deleting the row failed: ${reasonOf(error)}` });
      continue;
    }
    const now = Date.now();
    for (const { row, paths } of records) {
      ctx.logger.info({ event: 'record_deleted', model, recordId: row.id }, `Deleted ${model} ${row.id}`);
      ctx.logger.debug(
        {
          event: 'record_deleted_detail',
          model,
          recordId: row.id,
          requestedAt: row.requestedAt.toISOString(),
          waitedMs: now - row.requestedAt.getTime(),
          removed: paths.filter((p) => p.existed).map((p) => p.path),
          absent: paths.filter((p) => !p.existed).map((p) => p.path),
        },
        `Deleted ${model} ${row.id}: marked at ${row.requestedAt.toISOString()}, ${paths.filter((p) => p.existed).length} of ${paths.length} file path(s) existed and were removed`,
      );
      outcome.deleted.push(row);
    }
    if (count < ids.length)
      ctx.logger.debug(
        { event: 'rows_already_gone', model, expected: ids.length, deleted: count },
        `${ids.length - count} ${model} row(s) of the batch were already gone`,
      );
    await announceDeleted(model, ids);
  }
  return outcome;
}
