/**
 * The worker's job-history recorder: every finished execution is buffered in memory and written
 * to job_executions in batches, off the job's path. A write that fails never reaches a job.
 *
 * Steps:
 *   1. record() (called by the framework's recordExecution for each execution) pushes the entry
 *      and returns; a full buffer (maxBuffered) drops the entry and counts it;
 *   2. a flush starts once batchSize entries wait, or flushIntervalMs after the first one; it
 *      converts each entry (execution-row.ts: secrets filtered, search terms) and writes them with
 *      insertExecutions (one INSERT ... SELECT FROM unnest per batch); one flush runs at a time;
 *   3. a failed write drops that batch and counts it: the first failure logs ONE warning (an
 *      outage begins), later failures only count; the first write that succeeds again logs one
 *      line with the outage's length and how many executions were not recorded;
 *   4. stop() (graceful shutdown, after the worker's jobs have finished) flushes what is left.
 *
 * Example:
 *   const recorder = new HistoryRecorder({ db: pool, logger });
 *   setExecutionRecorder(recorder); ...; await recorder.stop();
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { ExecutionRecord, ExecutionRecorder } from '../../framework/index';
import { insertExecutions } from '../../db/job-history.repository';
import type { SqlReader } from '../../db/deletion.repository';
import { rowContext, toExecutionRow, type RowContext } from './execution-row';

export interface HistoryRecorderOptions {
  db: SqlReader;
  logger: Logger;
  /** Keys whose values are stored as [FILTERED] (LOG_FILTER_KEYS). */
  filterKeys: readonly string[];
  /** @defaultValue 500 ms */
  flushIntervalMs?: number;
  /** Rows per INSERT. @defaultValue 500 */
  batchSize?: number;
  /** Entries held at most; more are dropped and counted. @defaultValue 20000 */
  maxBuffered?: number;
}

export interface RecorderStats {
  /** Rows written. */
  written: number;
  /** Executions that could not be recorded (failed writes, full buffer). */
  lost: number;
  buffered: number;
}

interface Outage {
  since: number;
  lost: number;
}

export class HistoryRecorder implements ExecutionRecorder {
  private buffer: ExecutionRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private outage: Outage | undefined;
  private written = 0;
  private lost = 0;
  private readonly context: RowContext;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;

  constructor(private readonly options: HistoryRecorderOptions) {
    this.context = rowContext(hostname(), process.pid, options.filterKeys);
    this.flushIntervalMs = options.flushIntervalMs ?? 500;
    this.batchSize = options.batchSize ?? 500;
    this.maxBuffered = options.maxBuffered ?? 20_000;
  }

  record(entry: ExecutionRecord): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.lose(1, `the buffer is full (${this.maxBuffered} executions waiting)`);
      return;
    }
    this.buffer.push(entry);
    if (this.buffer.length >= this.batchSize) {
      if (!this.flushing) void this.flush();
    } else if (!this.timer && !this.flushing) {
      this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  stats(): RecorderStats {
    return { written: this.written, lost: this.lost, buffered: this.buffer.length };
  }

  /** Writes everything buffered now (waits for a flush already running first). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    this.flushing = this.writeAll().finally(() => {
      this.flushing = undefined;
      // Entries that arrived during the last write wait for the next tick.
      if (this.buffer.length > 0 && !this.timer) {
        this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
        this.timer.unref();
      }
    });
    await this.flushing;
  }

  /** Flushes what is left; entries recorded afterwards are written by a later flush() only. */
  async stop(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.outage) {
      this.options.logger.warn(
        { event: 'job_history_outage_at_stop', lost: this.outage.lost },
        `Job history: stopping while writes fail; ${this.outage.lost} execution(s) were not recorded`,
      );
      this.outage = undefined;
    }
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.batchSize);
      try {
        const rows = batch.map((entry) => toExecutionRow(entry, this.context));
        this.written += await insertExecutions(this.options.db, rows);
        this.recovered();
      } catch (error) {
        this.lose(batch.length, error instanceof Error ? error.message : String(error));
      }
    }
  }

  private lose(count: number, reason: string): void {
    this.lost += count;
    if (this.outage) {
      this.outage.lost += count;
      return;
    }
    this.outage = { since: Date.now(), lost: count };
    this.options.logger.warn(
      { event: 'job_history_outage', lost: count, reason },
      `Job history: could not record ${count} execution(s): ${reason}; counting what is lost until writes succeed again`,
    );
  }

  private recovered(): void {
    const outage = this.outage;
    if (!outage) return;
    this.outage = undefined;
    const seconds = Math.round((Date.now() - outage.since) / 100) / 10;
    this.options.logger.info(
      { event: 'job_history_recovered', lost: outage.lost, outageSeconds: seconds },
      `Job history: recording again after ${seconds}s; ${outage.lost} execution(s) were not recorded`,
    );
  }
}
