/**
 * What Bull Board would take and then fail on, refused before it sees the request (400 naming
 * the field, JSON for the board's client, which asks for JSON); Bull Board answered each of these
 * with a 500 carrying the message of whatever threw:
 *   - paging (GET <board>/api/queues?page=&jobsPerPage=): Bull Board takes any whole number from
 *     1, and a page past Redis' 64-bit range came back as Redis' "ERR value is not an integer or
 *     out of range"; here page is at most 1,000,000 and jobsPerPage at most 1,000 (an empty or
 *     missing value is left to Bull Board's default);
 *   - activeQueue, which Bull Board percent-decodes once more: malformed encoding ("%", "%E0%A4%A")
 *     threw "URI malformed";
 *   - a job added from the board (POST <board>/api/queues/:queue/add) with a custom id BullMQ
 *     refuses (an integer, "123", or one with a colon), or with options.parent: BullMQ fails
 *     "Missing key for parent job" for a parent it does not hold, and a child added by hand to a
 *     running flow is no board operation (flows are built with enqueueAfter).
 *
 * Example: app.use(boardInput); // ?page=99999999999999999999 -> 400 "page must be a whole number from 1 to 1000000"
 */
import type { RequestHandler } from 'express';
import { BadRequestError } from '../errors';

/** The largest value each paging field takes. */
export const BOARD_PAGING_LIMITS = { page: 1_000_000, jobsPerPage: 1_000 } as const;

function pagingProblem(query: Record<string, unknown>): string | undefined {
  for (const [field, max] of Object.entries(BOARD_PAGING_LIMITS)) {
    const value = query[field];
    if (typeof value !== 'string' || value === '') continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) return `${field} must be a whole number from 1 to ${max}`;
  }
  return undefined;
}

function activeQueueProblem(query: Record<string, unknown>): string | undefined {
  const value = query.activeQueue;
  if (typeof value !== 'string') return undefined;
  try {
    decodeURIComponent(value);
    return undefined;
  } catch {
    return 'activeQueue has malformed percent-encoding';
  }
}

/** An added job's options: BullMQ's rule for a custom job id (Job's constructor throws on either), and no parent. */
function addJobProblem(req: Parameters<RequestHandler>[0]): string | undefined {
  if (req.method !== 'POST' || !/\/api\/queues\/[^/]+\/add$/.test(req.path)) return undefined;
  const options = (req.body as { options?: { jobId?: unknown; parent?: unknown } } | undefined)?.options;
  if (options?.parent !== undefined && options.parent !== null)
    return 'options.parent is not taken from the board: a job with dependencies is enqueued with enqueueAfter';
  const jobId = options?.jobId;
  if (jobId === undefined || jobId === null || jobId === '') return undefined;
  if (typeof jobId !== 'string') return 'options.jobId must be text';
  if (String(parseInt(jobId, 10)) === jobId)
    return 'options.jobId cannot be an integer (BullMQ numbers its own ids)';
  if (jobId.includes(':')) return 'options.jobId cannot contain ":"';
  return undefined;
}

export const boardInput: RequestHandler = (req, _res, next) => {
  const query = req.query as Record<string, unknown>;
  const problem = pagingProblem(query) ?? activeQueueProblem(query) ?? addJobProblem(req);
  next(problem ? new BadRequestError(problem) : undefined);
};
