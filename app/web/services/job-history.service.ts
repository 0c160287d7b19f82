/**
 * Job history for the admin pages: the search (app/services/job-history) with its input errors as
 * the web layer's ValidationError (422 naming the field), argument search for admins only (the
 * arguments are theirs to see), a job's execution timeline and its dependency links, and "retry
 * all failed" on a search's matches (history-retry.ts; the routes are admins' only).
 *
 * Example: await history.search(req.query, { admin: true })   // { executions, total, live, ... }
 *          await history.retry(req.body, 'admin')             // { retried, enqueued, ... }
 */
import type { SqlReader } from '../../db/deletion.repository';
import type { StoredExecution } from '../../db/job-history.repository';
import type { JobInspector } from '../../framework/index';
import {
  HistoryQueryError,
  jobRelations,
  jobTimeline,
  parseHistoryQuery,
  planHistoryRetry,
  runHistoryRetry,
  searchHistory,
  type HistoryQuery,
  type HistoryResult,
  type HistoryRetryPlan,
  type HistoryRetryResult,
  type JobRelations,
} from '../../services/job-history/index';
import { ValidationError } from '../errors';

export class JobHistoryService {
  constructor(
    private readonly db: SqlReader,
    private readonly inspector: JobInspector,
  ) {}

  get queueNames(): readonly string[] {
    return this.inspector.queueNames;
  }

  /** The search input checked; HistoryQueryError as a 422 naming the field. */
  parse(input: Record<string, unknown>): HistoryQuery {
    try {
      return parseHistoryQuery(input, this.inspector.queueNames);
    } catch (error) {
      if (error instanceof HistoryQueryError) throw new ValidationError({ [error.field]: error.message });
      throw error;
    }
  }

  /** The query checked (422 naming the field), then one page of history plus live jobs. */
  async search(
    input: Record<string, unknown>,
    viewer: { admin: boolean },
  ): Promise<{ query: HistoryQuery; result: HistoryResult }> {
    const query = this.parse(input);
    if (query.args && !viewer.admin)
      throw new ValidationError({
        args: 'args: searching by arguments is for admins (arguments are theirs to see)',
      });
    return { query, result: await searchHistory(this.db, query, this.inspector) };
  }

  timeline(jobId: string): Promise<StoredExecution[]> {
    return jobTimeline(this.db, jobId);
  }

  /** The job's dependencies and dependents (Redis' lists when it holds the job, plus history's). */
  relations(jobId: string, known: Parameters<typeof jobRelations>[3]): Promise<JobRelations> {
    return jobRelations(this.db, this.inspector, jobId, known);
  }

  /** What "retry all failed" would do with the search's matches (the confirmation's figures). */
  async retryPlan(input: Record<string, unknown>): Promise<{ query: HistoryQuery; plan: HistoryRetryPlan }> {
    const query = this.parse(input);
    return { query, plan: await this.checked(planHistoryRetry(this.db, this.inspector, query)) };
  }

  /** Retries the search's failed jobs (in place, or enqueued again when Redis let them go). */
  async retry(
    input: Record<string, unknown>,
    actor: string,
  ): Promise<{ query: HistoryQuery; result: HistoryRetryResult }> {
    const query = this.parse(input);
    return { query, result: await this.checked(runHistoryRetry(this.db, this.inspector, query, actor)) };
  }

  private async checked<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (error instanceof HistoryQueryError) throw new ValidationError({ [error.field]: error.message });
      throw error;
    }
  }
}
