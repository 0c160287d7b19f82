/**
 * Job history for the admin pages: the search (app/services/job-history) with its input errors as
 * the web layer's ValidationError (422 naming the field), argument search for admins only (the
 * arguments are theirs to see), and a job's execution timeline.
 *
 * Example: await history.search(req.query, { admin: true })   // { executions, total, live, ... }
 */
import type { SqlReader } from '../../db/deletion.repository';
import type { StoredExecution } from '../../db/job-history.repository';
import type { JobInspector } from '../../framework/index';
import {
  HistoryQueryError,
  jobTimeline,
  parseHistoryQuery,
  searchHistory,
  type HistoryQuery,
  type HistoryResult,
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

  /** The query checked (422 naming the field), then one page of history plus live jobs. */
  async search(
    input: Record<string, unknown>,
    viewer: { admin: boolean },
  ): Promise<{ query: HistoryQuery; result: HistoryResult }> {
    let query: HistoryQuery;
    try {
      query = parseHistoryQuery(input, this.inspector.queueNames);
    } catch (error) {
      if (error instanceof HistoryQueryError) throw new ValidationError({ [error.field]: error.message });
      throw error;
    }
    if (query.args && !viewer.admin)
      throw new ValidationError({
        args: 'args: searching by arguments is for admins (arguments are theirs to see)',
      });
    return { query, result: await searchHistory(this.db, query, this.inspector) };
  }

  timeline(jobId: string): Promise<StoredExecution[]> {
    return jobTimeline(this.db, jobId);
  }
}
