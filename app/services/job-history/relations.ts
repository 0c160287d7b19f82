/**
 * A job's dependencies (the jobs it waits or waited for: enqueueAfter's list, BullMQ flow
 * children) and dependents (the job waiting for it: the flow parent), for the job page, from Redis
 * while it holds them and from job history after, each with its class and state; and the retry
 * link of a job enqueued again from history.
 *
 * Steps: take the ids Redis gives (JobStatus.dependencies / dependents, "queue:id"; none when
 * Redis no longer holds the job); add what history records (executions whose parent_job_id is the
 * job: its dependencies that ran; the job's own executions' parent_job_id: its dependent); look
 * each id up in Redis (class, state), else its latest execution in history, else mark it unknown.
 * History knows only dependencies that ran at least once after migration 20261203150000;
 * `historyComplete` is false when the page can only show part of the picture.
 *
 * Example:
 *   const links = await jobRelations(pool, inspector, id, { live: status, timeline });
 *   links.dependencies  // [{ id: 'a1', jobClass: 'ResizeJob', state: 'completed', source: 'redis' }]
 */
import type { JobInspector } from '../../framework/index';
import type { SqlReader } from '../../db/deletion.repository';
import type { StoredExecution } from '../../db/job-history.repository';
import {
  latestExecutions,
  recordedDependencies,
  retryLinkOf,
  type RetryLink,
} from '../../db/job-history-links.repository';

/** Links listed per side at most. */
export const MAX_LINKS = 50;

export interface JobLink {
  id: string;
  jobClass: string | undefined;
  queue: string | undefined;
  state: string | undefined;
  /** Where class and state came from: Redis (live), history (its latest execution) or nowhere. */
  source: 'redis' | 'history' | 'unknown';
}

export interface JobRelations {
  dependencies: JobLink[];
  dependents: JobLink[];
  /** True when Redis holds the job (its own lists are complete); false: history's part alone. */
  fromRedis: boolean;
  retry: RetryLink;
}

/** "default:42" -> "42" (the inspector's "queue:id" form). */
function idOf(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(colon + 1);
}

async function describe(
  db: SqlReader,
  inspector: JobInspector,
  ids: readonly string[],
  known: ReadonlyMap<string, StoredExecution>,
): Promise<JobLink[]> {
  const live = await Promise.all(
    ids.map(async (id) => {
      const job = await inspector.find(id);
      return job ? inspector.summarize(job) : undefined;
    }),
  );
  const missing = ids.filter((id, i) => !live[i] && !known.has(id));
  const recorded = new Map([...known, ...(await latestExecutions(db, missing))]);
  return ids.map((id, i): JobLink => {
    const summary = live[i];
    if (summary)
      return { id, jobClass: summary.jobClass, queue: summary.queue, state: summary.state, source: 'redis' };
    const last = recorded.get(id);
    if (last) return { id, jobClass: last.jobClass, queue: last.queue, state: last.state, source: 'history' };
    return { id, jobClass: undefined, queue: undefined, state: undefined, source: 'unknown' };
  });
}

const unique = (ids: readonly string[]) => [...new Set(ids)].slice(0, MAX_LINKS);

export async function jobRelations(
  db: SqlReader,
  inspector: JobInspector,
  jobId: string,
  known: {
    live?: { dependencies: readonly string[]; dependents: readonly string[] };
    timeline: readonly StoredExecution[];
  },
): Promise<JobRelations> {
  const [recorded, retry] = await Promise.all([
    recordedDependencies(db, jobId, MAX_LINKS),
    retryLinkOf(db, jobId),
  ]);
  const dependencyIds = unique([
    ...(known.live?.dependencies ?? []).map(idOf),
    ...recorded.map((e) => e.jobId),
  ]);
  const dependentIds = unique([
    ...(known.live?.dependents ?? []).map(idOf),
    ...known.timeline.flatMap((e) => (e.parentJobId ? [e.parentJobId] : [])),
  ]);
  const byId = new Map(recorded.map((e) => [e.jobId, e]));
  const [dependencies, dependents] = await Promise.all([
    describe(db, inspector, dependencyIds, byId),
    describe(db, inspector, dependentIds, new Map()),
  ]);
  return { dependencies, dependents, fromRedis: known.live !== undefined, retry };
}
