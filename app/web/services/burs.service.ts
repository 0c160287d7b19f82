/**
 * Bulk update requests (BURs) for the web app: the list, one request with its lines and progress,
 * and the actions, which call app/services/bulk-update-request/approval.ts and nothing else
 * (createBur, updateBur, approveBur, rejectBur: that module holds the rules of who may do what,
 * and its errors carry their HTTP status). Approval enqueues the processing job and returns.
 *
 * Progress (burProgress): for an approved request, n = its command lines, k = the position of
 * the first line not done (the running or failed one), rows done/total within that line (total
 * unknown until the line has counted its posts), and the percentage of the whole request:
 * (lines done + the running line's share of rows) / n. 100 % only when every line is done.
 * BUR events on /burs/:id are published for approve and reject (live/publish.ts); the job
 * publishes its own status and progress there from the worker.
 *
 * Example:
 *   const { bur, check } = await burs.create(user, { script: 'alias a -> b', title: 'A' });
 *   await burs.approve(bur.id, moderator)   // { jobId }
 */
import type { AppPrismaClient } from '../../db/client';
import type { BulkUpdateRequestLine } from '../../db/generated/client';
import type { BulkUpdateRequestStatus, UserLevel } from '../../db/generated/enums';
import { createTagRepository } from '../../db/tag.repository';
import {
  approveBur,
  canApproveBur,
  canManageBur,
  createBur,
  isOpenBur,
  rejectBur,
  requestApprovalLevel,
  updateBur,
  type BurActor,
} from '../../services/bulk-update-request/approval';
import { NotFoundError, ValidationError } from '../errors';
import { burStatus } from '../../events/index';
import { publishAppEvent } from '../live/publish';
import { isRecordId } from '../../db/record-id';

export const BUR_STATUSES: readonly BulkUpdateRequestStatus[] = [
  'pending',
  'approved',
  'processing',
  'completed',
  'failed',
  'rejected',
];

/** Requests on one page of the list. @defaultValue 25 */
export const BURS_PER_PAGE = 25;

/** Statuses whose line rows are commands to run (not the last validation). */
const APPROVED: readonly BulkUpdateRequestStatus[] = ['approved', 'processing', 'completed', 'failed'];

export interface BurInput {
  script?: unknown;
  title?: unknown;
  reason?: unknown;
}

export interface BurProgress {
  /** Command lines of the request. */
  lines: number;
  doneLines: number;
  /** The first line not done: running, pending or failed. */
  current:
    | {
        position: number;
        lineNumber: number;
        text: string;
        status: string;
        rowsDone: number;
        rowsTotal: number | null;
      }
    | undefined;
  /** 0 to 100, one decimal. */
  percent: number;
}

type LineRow = Pick<BulkUpdateRequestLine, 'lineNumber' | 'text' | 'status' | 'rowsDone' | 'rowsTotal'>;

export function burProgress(
  status: BulkUpdateRequestStatus,
  lines: readonly LineRow[],
): BurProgress | undefined {
  if (!APPROVED.includes(status)) return undefined;
  const doneLines = lines.filter((l) => l.status === 'done').length;
  const index = lines.findIndex((l) => l.status !== 'done');
  const row = index === -1 ? undefined : lines[index];
  const current = row
    ? {
        position: index + 1,
        lineNumber: row.lineNumber,
        text: row.text,
        status: row.status,
        rowsDone: row.rowsDone,
        rowsTotal: row.rowsTotal,
      }
    : undefined;
  const share = current && current.rowsTotal ? Math.min(1, current.rowsDone / current.rowsTotal) : 0;
  const fraction = lines.length === 0 ? (status === 'completed' ? 1 : 0) : (doneLines + share) / lines.length;
  const percent =
    doneLines === lines.length && status === 'completed'
      ? 100
      : Math.min(99.9, Math.floor(fraction * 1000) / 10);
  return { lines: lines.length, doneLines, current, percent };
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationError({ [field]: `${field} must be text` });
  return value;
}

const user = { select: { id: true, name: true } } as const;

export class BursService {
  constructor(private readonly db: AppPrismaClient) {}

  async list(filters: { status?: string; userId?: number }, page = 1, perPage = BURS_PER_PAGE) {
    const status = filters.status?.trim() || undefined;
    if (status !== undefined && !(BUR_STATUSES as readonly string[]).includes(status)) {
      throw new ValidationError({ status: `Status is one of ${BUR_STATUSES.join(', ')}` });
    }
    const where = {
      ...(status ? { status: status as BulkUpdateRequestStatus } : {}),
      ...(filters.userId ? { userId: filters.userId } : {}),
    };
    const current = Number.isInteger(page) && page >= 1 ? page : 1;
    const [burs, total] = await Promise.all([
      this.db.bulkUpdateRequest.findMany({
        where,
        orderBy: { id: 'desc' },
        skip: (current - 1) * perPage,
        take: perPage,
        select: {
          id: true,
          title: true,
          status: true,
          createdAt: true,
          approvedAt: true,
          completedAt: true,
          user,
          approver: user,
          _count: { select: { lines: true } },
        },
      }),
      this.db.bulkUpdateRequest.count({ where }),
    ]);
    return {
      burs: burs.map(({ _count, ...b }) => ({ ...b, lineCount: _count.lines })),
      total,
      page: current,
      perPage,
      filters: { status },
    };
  }

  async find(id: number) {
    const bur = isRecordId(id)
      ? await this.db.bulkUpdateRequest.findUnique({
          where: { id },
          include: { user, approver: user, lines: { orderBy: { lineNumber: 'asc' } } },
        })
      : null;
    if (!bur) throw new NotFoundError(`no bulk update request #${id}`);
    const approvalLevel = isOpenBur(bur)
      ? await requestApprovalLevel(createTagRepository(this.db), bur.script)
      : null;
    return { ...bur, progress: burProgress(bur.status, bur.lines), approvalLevel };
  }

  /** What `actor` may do with the request now (the service decides again when they do it). */
  permissions(
    bur: { userId: number | null; status: BulkUpdateRequestStatus; approvalLevel?: UserLevel | null },
    actor: BurActor | undefined,
  ) {
    if (!actor) return { edit: false, approve: false, reject: false };
    const manage = canManageBur(actor, bur) && isOpenBur(bur);
    return {
      edit: manage,
      approve: isOpenBur(bur) && canApproveBur(actor, bur.approvalLevel ?? 'admin'),
      reject: manage,
    };
  }

  create(actor: BurActor, input: BurInput) {
    const script = text(input.script, 'script') ?? '';
    const title = text(input.title, 'title');
    const reason = text(input.reason, 'reason');
    return createBur(actor, script, title, { db: this.db, ...(reason !== undefined ? { reason } : {}) });
  }

  update(id: number, actor: BurActor, input: BurInput) {
    const script = text(input.script, 'script');
    const title = text(input.title, 'title');
    const reason = text(input.reason, 'reason');
    return updateBur(
      { id },
      actor,
      {
        ...(script !== undefined ? { script } : {}),
        ...(title !== undefined ? { title } : {}),
        ...(reason !== undefined ? { reason } : {}),
      },
      { db: this.db },
    );
  }

  async approve(id: number, actor: BurActor) {
    const approved = await approveBur({ id }, actor, { db: this.db });
    publishAppEvent(burStatus, { burId: id, status: approved.bur.status, jobId: approved.jobId });
    return approved;
  }

  async reject(id: number, actor: BurActor) {
    const bur = await rejectBur({ id }, actor, { db: this.db });
    publishAppEvent(burStatus, { burId: id, status: bur.status });
    return bur;
  }
}
