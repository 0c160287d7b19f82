/**
 * Job history (issue #18): every execution a worker finishes, kept in PostgreSQL
 * (job_executions) beyond Redis' retention, and searched by the admin jobs page and bin/jobs.
 *
 * Steps: startJobHistory() in a worker process opens a small pg pool of its own (so history
 * writes never wait behind the deleter or a job's statements), installs a HistoryRecorder as the
 * framework's execution recorder and returns a handle whose stop() flushes, uninstalls and closes.
 * JOB_HISTORY=off turns recording off (searches still read what is stored).
 *
 * Example:
 *   const history = startJobHistory({ databaseUrl, logger, filterKeys });   // bin/worker
 *   ...; await history?.stop();
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { setExecutionRecorder } from '../../framework/index';
import { HistoryRecorder, type HistoryRecorderOptions, type RecorderStats } from './recorder';

export { HistoryRecorder } from './recorder';
export type { HistoryRecorderOptions, RecorderStats } from './recorder';
export { searchTermsOf, parseArgumentQuery, ArgumentQueryError } from './search-terms';

export interface JobHistoryOptions extends Partial<
  Omit<HistoryRecorderOptions, 'db' | 'logger' | 'filterKeys'>
> {
  databaseUrl: string;
  logger: Logger;
  filterKeys: readonly string[];
  /** @defaultValue true */
  enabled?: boolean;
}

export interface RunningJobHistory {
  recorder: HistoryRecorder;
  stats(): RecorderStats;
  /** Flushes what is buffered, uninstalls the recorder and closes its pool. */
  stop(): Promise<void>;
}

/** Starts recording this process's executions; undefined when turned off. */
export function startJobHistory(options: JobHistoryOptions): RunningJobHistory | undefined {
  if (options.enabled === false) return undefined;
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: 2,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    // A write that hangs (a lock, a stuck server) counts as failed rather than filling the buffer.
    query_timeout: 15_000,
  });
  pool.on('error', () => undefined);
  const recorder = new HistoryRecorder({ ...options, db: pool });
  setExecutionRecorder(recorder);
  return {
    recorder,
    stats: () => recorder.stats(),
    async stop() {
      await recorder.stop();
      setExecutionRecorder(undefined);
      await pool.end();
    },
  };
}
export {
  HISTORY_PAGE_SIZE,
  HistoryQueryError,
  LIVE_STATES,
  SEARCH_STATES,
  jobTimeline,
  parseHistoryQuery,
  searchHistory,
} from './search';
export type { HistoryQuery, HistoryResult } from './search';
export { HISTORY_RETRY_LIMIT, planHistoryRetry, runHistoryRetry } from './history-retry';
export type { HistoryRetryPlan, HistoryRetryResult, Unretriable } from './history-retry';
export { MAX_LINKS, jobRelations } from './relations';
export type { JobLink, JobRelations } from './relations';
