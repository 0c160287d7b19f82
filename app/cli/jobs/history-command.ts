/**
 * bin/jobs history: searches job history (job_executions) as /admin/jobs/history does: by queue,
 * state, class, error class, time range, job id and arguments (`--args 'post=123 Post#9'`), newest
 * first, a page of 50 with the count; the live jobs from Redis (waiting, active, delayed) on page
 * 1. Bad input exits 1 with the message naming the option. With --retry: retries the failed jobs
 * the search matches instead (history-retry.ts: in place when Redis's failed set holds them, else
 * enqueued again as new jobs; at most HISTORY_RETRY_LIMIT, the rest counted as remaining).
 *
 * Example: bin/jobs history --class ResizeJob --state failed --from 2026-12-03 --args post=123
 *          bin/jobs history --class ResizeJob --from 2026-12-03 --retry
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { formatTable } from '../../framework/index';
import { dbPool } from '../../db/pg-pool';
import {
  HistoryQueryError,
  parseHistoryQuery,
  runHistoryRetry,
  searchHistory,
  type HistoryQuery,
} from '../../services/job-history/index';
import { CliFailure, cliContext, print } from './context';

interface HistoryOptions {
  queue?: string;
  state?: string;
  class?: string;
  errorClass?: string;
  id?: string;
  from?: string;
  to?: string;
  args?: string;
  page?: string;
  json?: boolean;
  retry?: boolean;
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown user';
  }
}

const OPTION_OF: Record<string, string> = { jobClass: '--class', jobId: '--id', errorClass: '--error-class' };

export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description('search job history (finished executions kept in PostgreSQL) plus live jobs from Redis')
    .option('--queue <name>', 'queue')
    .option(
      '--state <state>',
      'completed, retry, failed, discarded, canceled, interrupted, lock-lost, halted, or a live state: waiting, active, delayed',
    )
    .option('--class <name>', 'job class')
    .option('--error-class <name>', 'error class (TimeoutError)')
    .option('--id <jobId>', 'one job: every recorded attempt')
    .option('--from <time>', 'finished at or after (2026-12-03, 2026-12-03T10:00Z)')
    .option('--to <time>', 'finished before')
    .option('--args <terms>', "argument terms, all matching: 'post=123', 'hello', 'Post#123'")
    .option('--page <n>', 'page of 50, newest first')
    .option(
      '--retry',
      'retry the failed jobs matching (latest execution failed): in place if still failed in Redis, else enqueued again as new jobs',
    )
    .option('--json', 'machine-readable output')
    .action(async (o: HistoryOptions) => {
      const { inspector } = await cliContext();
      let query: HistoryQuery;
      try {
        query = parseHistoryQuery(
          {
            queue: o.queue,
            state: o.state,
            jobClass: o.class,
            errorClass: o.errorClass,
            jobId: o.id,
            from: o.from,
            to: o.to,
            args: o.args,
            page: o.page,
          },
          inspector.queueNames,
        );
        if (o.retry) {
          const done = await runHistoryRetry(dbPool(), inspector, query, `bin/jobs (${userName()})`);
          print(o.json, done, () =>
            [
              `Retried in place: ${done.retried}; enqueued again as new jobs: ${done.enqueued.length}; moved on: ${done.skipped}; remaining beyond the limit: ${done.remaining}`,
              ...done.enqueued.map((e) => `  ${e.retryOf} -> new job ${e.jobId}`),
              ...done.unretriable.map((u) => `  cannot run ${u.id} (${u.jobClass}) again: ${u.reason}`),
            ].join('\n'),
          );
          return;
        }
      } catch (error) {
        if (error instanceof HistoryQueryError)
          throw new CliFailure(
            `${OPTION_OF[error.field] ?? `--${error.field}`}: ${error.message.slice(error.field.length + 2)}`,
          );
        throw error;
      }
      const result = await searchHistory(dbPool(), query, inspector);
      print(o.json, result, () => {
        const live = result.live.map((j) => ({
          id: j.id,
          class: j.jobClass,
          queue: j.queue,
          state: j.state,
          enqueued: j.enqueuedAt,
        }));
        const rows = result.executions.map((e) => ({
          id: e.jobId,
          class: e.jobClass,
          queue: e.queue,
          state: e.state,
          attempt: e.attempt,
          finished: e.finishedAt.toISOString(),
          ms: Math.round(e.durationMs),
          worker: e.workerHost ? `${e.workerHost}:${e.workerPid ?? '?'}` : '',
          error: e.errorClass ? `${e.errorClass}: ${e.errorMessage ?? ''}`.slice(0, 80) : '',
        }));
        const count = `${result.total}${result.totalCapped ? '+' : ''}`;
        return [
          ...(live.length > 0 ? [`Live in Redis (${live.length}):`, formatTable(live), ''] : []),
          `Finished executions: ${count} (page ${result.page} of ${result.pages})`,
          formatTable(rows),
        ].join('\n');
      });
    });
}
