/**
 * The deleter's batches: find the next marked records, delete them (files first, rows last:
 * batch.ts), and remember what failed, so failures cannot fill every batch and starve the rest.
 *
 * Steps of deleteNext():
 *   1. Find up to batchSize + 1 marked records, oldest mark first, leaving out the records that
 *      failed since the last clearExclusions(); more than batchSize means the queue is full: log
 *      "Deletion queue full" (queue size, follow-up and check interval; at most once per check
 *      interval).
 *   2. Delete the first batchSize of them (deleteBatch: one INFO line per deleted record).
 *   3. Each failed record is left out of later batches until clearExclusions() (the periodic
 *      check) and logged: WARN with the reason, DEBUG when the same record fails again for the
 *      same reason. A deleted record's warnings are forgotten.
 *
 * Example:
 *   const batches = new DeleterBatches(deleterSettings({}));
 *   const { found, full, outcome } = await batches.deleteNext();  // outcome.deleted, outcome.failed
 *   batches.clearExclusions();                                   // at the periodic check
 */
import { findMarked, type MarkedRow } from '../../db/deletion.repository';
import { deleteBatch, type BatchOutcome } from './batch';
import type { DeleterSettings } from './deleter-options';
import type { DeletableModel } from './models';

export interface PassResult {
  /** Records found (at most batchSize). */
  found: number;
  /** More than batchSize were waiting. */
  full: boolean;
  outcome: BatchOutcome;
}

export class DeleterBatches {
  /** Records deleted since start. */
  deletedCount = 0;

  private readonly excluded: Record<DeletableModel, Set<number>> = { Upload: new Set(), Post: new Set() };
  private readonly warned = new Set<string>();
  private lastQueueFullLog = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: DeleterSettings) {}

  /** Failed records are looked at again from the next batch on. */
  clearExclusions(): void {
    this.excluded.Upload.clear();
    this.excluded.Post.clear();
  }

  async deleteNext(): Promise<PassResult> {
    const { pool, storage, log, batchSize, checkIntervalMs } = this.settings;
    const rows = await findMarked(pool, batchSize + 1, {
      Upload: [...this.excluded.Upload],
      Post: [...this.excluded.Post],
    });
    const full = rows.length > batchSize;
    const batch: MarkedRow[] = rows.slice(0, batchSize);
    if (full) this.logQueueFull();
    const outcome = await deleteBatch({ pool, storage, logger: log() }, batch);
    this.deletedCount += outcome.deleted.length;
    for (const failure of outcome.failed) {
      this.excluded[failure.row.model].add(failure.row.id);
      const key = `${failure.row.model}:${failure.row.id}:${failure.reason}`;
      const level = this.warned.has(key) ? 'debug' : 'warn';
      this.warned.add(key);
      log()[level](
        {
          event: 'record_deletion_failed',
          model: failure.row.model,
          recordId: failure.row.id,
          stage: failure.stage,
          reason: failure.reason,
        },
        `Could not delete ${failure.row.model} ${failure.row.id} yet: ${failure.reason}; it stays marked and is retried at the next periodic check (every ${checkIntervalMs / 1000} s)`,
      );
    }
    for (const row of outcome.deleted) this.forgetWarnings(row);
    return { found: batch.length, full, outcome };
  }

  private forgetWarnings(row: MarkedRow): void {
    if (this.warned.size === 0) return;
    const prefix = `${row.model}:${row.id}:`;
    for (const key of this.warned) if (key.startsWith(prefix)) this.warned.delete(key);
  }

  private logQueueFull(): void {
    const { log, batchSize, followUpMs, checkIntervalMs } = this.settings;
    const now = Date.now();
    if (now - this.lastQueueFullLog < checkIntervalMs) return;
    this.lastQueueFullLog = now;
    log().info(
      { event: 'deletion_queue_full', queueSize: batchSize, followUpMs, checkIntervalMs },
      `Deletion queue full: more than ${batchSize} records (the queue size) are marked; deleting them ${batchSize} at a time, ${followUpMs} ms apart (periodic check every ${checkIntervalMs / 1000} s)`,
    );
  }
}
