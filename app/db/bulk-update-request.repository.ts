/**
 * Bulk update requests and their lines: the rows the BUR service (approval) and the processing job
 * read and write. No tag or post changes here: those are the commands' set-based SQL
 * (app/services/bulk-update-request/commands/).
 *
 * Line rows (bulk_update_request_lines) mean two things, told apart by the request's status:
 *   - pending request: the script's last validation. One row per non-blank line: a line that
 *     parsed and validated is `pending` with its canonical text; a bad line is `failed` with the
 *     line as written and the reason in `error`. replaceLines rewrites them on create and edit.
 *   - approved (processing, completed, failed) request: the commands to run, one row per command
 *     with the canonical text, written at approval (recordLines; createMany skipDuplicates, so a
 *     re-approval keeps the rows, and the `done` ones, of the first). Processing moves a row
 *     pending -> running (startedAt) -> done (finishedAt) or failed (error); rowsDone/rowsTotal
 *     follow a large line's progress.
 *
 * A processing request names its job (processingJobId, stored by claimForProcessing with the
 * claim); failAbandonedBur fails it when that job died outside perform (bur-reconciliation.ts).
 *
 * Example:
 *   const bur = await createBurRecord(db, { userId: 1, script: 'alias a -> b', title: null });
 *   await replaceLines(db, bur.id, [{ lineNumber: 1, text: 'create alias a -> b', error: null }]);
 *   await findBurWithLines(db, bur.id)   // { ...bur, lines: [...] } ordered by line number
 */
import type { AppPrismaClient } from './client';
import type { BulkUpdateRequestStatus } from './generated/enums';

type BurClient = Pick<AppPrismaClient, 'bulkUpdateRequest' | 'bulkUpdateRequestLine'>;

/** Longest error text kept on a line or request (a driver error can be pages long). */
export const MAX_STORED_ERROR_LENGTH = 2_000;

export function truncateError(message: string): string {
  return message.length > MAX_STORED_ERROR_LENGTH
    ? `${message.slice(0, MAX_STORED_ERROR_LENGTH - 1)}…`
    : message;
}

export interface NewBur {
  userId: number;
  script: string;
  title: string | null;
  reason?: string;
}

export async function createBurRecord(client: BurClient, bur: NewBur) {
  return client.bulkUpdateRequest.create({
    data: { userId: bur.userId, script: bur.script, title: bur.title, reason: bur.reason ?? '' },
  });
}

export async function findBur(client: BurClient, id: number) {
  return client.bulkUpdateRequest.findUnique({ where: { id } });
}

export async function findBurWithLines(client: BurClient, id: number) {
  const bur = await client.bulkUpdateRequest.findUnique({ where: { id } });
  if (!bur) return null;
  return { ...bur, lines: await findLines(client, id) };
}

export async function findLines(client: BurClient, burId: number) {
  return client.bulkUpdateRequestLine.findMany({
    where: { bulkUpdateRequestId: burId },
    orderBy: { lineNumber: 'asc' },
  });
}

/** One line row of a validation result: error null for a good line. */
export interface LineResult {
  lineNumber: number;
  text: string;
  error: string | null;
}

/** Replaces every line row of a (pending) request with a validation result. */
export async function replaceLines(
  client: BurClient,
  burId: number,
  lines: readonly LineResult[],
): Promise<void> {
  await client.bulkUpdateRequestLine.deleteMany({ where: { bulkUpdateRequestId: burId } });
  if (lines.length === 0) return;
  await client.bulkUpdateRequestLine.createMany({
    data: lines.map((line) => ({
      bulkUpdateRequestId: burId,
      lineNumber: line.lineNumber,
      text: line.text,
      status: line.error === null ? ('pending' as const) : ('failed' as const),
      error: line.error === null ? null : truncateError(line.error),
    })),
  });
}

/** Adds the command rows an approval runs; rows that exist (a re-approval) are left as they are. */
export async function recordLines(
  client: BurClient,
  burId: number,
  lines: ReadonlyArray<{ lineNumber: number; text: string }>,
): Promise<void> {
  if (lines.length === 0) return;
  await client.bulkUpdateRequestLine.createMany({
    data: lines.map((line) => ({ bulkUpdateRequestId: burId, lineNumber: line.lineNumber, text: line.text })),
    skipDuplicates: true,
  });
}

/** Puts the lines that did not finish back to pending (their rowsDone is kept). */
export async function resetUnfinishedLines(client: BurClient, burId: number): Promise<void> {
  await client.bulkUpdateRequestLine.updateMany({
    where: { bulkUpdateRequestId: burId, status: { in: ['running', 'failed'] } },
    data: { status: 'pending', error: null },
  });
}

/**
 * Moves a request from status `from` to processing, approved by `approverId`, to be run by the job
 * `jobId`, clearing the last failure. Resolves false when the request is no longer in `from`
 * (someone else got there first).
 */
export async function claimForProcessing(
  client: BurClient,
  burId: number,
  from: BulkUpdateRequestStatus,
  approverId: number,
  jobId: string,
): Promise<boolean> {
  const { count } = await client.bulkUpdateRequest.updateMany({
    where: { id: burId, status: from },
    data: {
      status: 'processing',
      approverId,
      approvedAt: new Date(),
      processingJobId: jobId,
      failedLine: null,
      failedError: null,
      completedAt: null,
    },
  });
  return count === 1;
}

/** Requests `processing` since before `cutoff` (approvedAt; updatedAt when unset), oldest id first. */
export async function findProcessingBurs(client: BurClient, cutoff: Date) {
  return client.bulkUpdateRequest.findMany({
    where: {
      status: 'processing',
      OR: [{ approvedAt: { lte: cutoff } }, { approvedAt: null, updatedAt: { lte: cutoff } }],
    },
    select: { id: true, processingJobId: true, approvedAt: true },
    orderBy: { id: 'asc' },
  });
}

/**
 * Fails a request whose processing job died without recording an outcome: only while it is still
 * `processing` for the same job (`jobId`; null: none recorded), so a request that finished or was
 * approved again meanwhile is left alone. Its running line, if any, becomes `failed` with the
 * error and is the request's failedLine, as when a line fails inside the job. Run it in a
 * transaction. Resolves null when the request was left alone.
 */
export async function failAbandonedBur(
  client: BurClient,
  burId: number,
  jobId: string | null,
  error: string,
): Promise<{ failedLine: number | null } | null> {
  const message = truncateError(error);
  const running = await client.bulkUpdateRequestLine.findFirst({
    where: { bulkUpdateRequestId: burId, status: 'running' },
    orderBy: { lineNumber: 'asc' },
    select: { id: true, lineNumber: true },
  });
  const failedLine = running?.lineNumber ?? null;
  const { count } = await client.bulkUpdateRequest.updateMany({
    where: { id: burId, status: 'processing', processingJobId: jobId },
    data: { status: 'failed', failedLine, failedError: message },
  });
  if (count === 0) return null;
  if (running) {
    await client.bulkUpdateRequestLine.updateMany({
      where: { id: running.id, status: 'running' },
      data: { status: 'failed', error: message, finishedAt: new Date() },
    });
  }
  return { failedLine };
}

/** Sets the status of a request that is in one of `from`; resolves false when it was not. */
export async function transitionBur(
  client: BurClient,
  burId: number,
  from: readonly BulkUpdateRequestStatus[],
  to: BulkUpdateRequestStatus,
): Promise<boolean> {
  const { count } = await client.bulkUpdateRequest.updateMany({
    where: { id: burId, status: { in: [...from] } },
    data: { status: to },
  });
  return count === 1;
}

export async function startLine(client: BurClient, lineId: number): Promise<void> {
  await client.bulkUpdateRequestLine.update({
    where: { id: lineId },
    data: { status: 'running', startedAt: new Date(), finishedAt: null, error: null },
    select: { id: true },
  });
}

export async function setLineTotal(client: BurClient, lineId: number, rowsTotal: number): Promise<void> {
  await client.bulkUpdateRequestLine.update({
    where: { id: lineId },
    data: { rowsTotal },
    select: { id: true },
  });
}

/** Marks a line done; resolves false when it was done already (by another run). */
export async function finishLine(client: BurClient, lineId: number): Promise<boolean> {
  const { count } = await client.bulkUpdateRequestLine.updateMany({
    where: { id: lineId, status: { not: 'done' } },
    data: { status: 'done', finishedAt: new Date(), error: null },
  });
  return count === 1;
}

/** Records a line's failure and stops its request there (status failed, failedLine, failedError). */
export async function failLine(
  client: BurClient,
  burId: number,
  line: { id: number; lineNumber: number },
  error: string,
): Promise<void> {
  const message = truncateError(error);
  await client.bulkUpdateRequestLine.update({
    where: { id: line.id },
    data: { status: 'failed', error: message, finishedAt: new Date() },
    select: { id: true },
  });
  await client.bulkUpdateRequest.update({
    where: { id: burId },
    data: { status: 'failed', failedLine: line.lineNumber, failedError: message },
    select: { id: true },
  });
}

/** Fails a request outside any line (e.g. its job could not be enqueued). */
export async function failBur(client: BurClient, burId: number, error: string): Promise<void> {
  await client.bulkUpdateRequest.update({
    where: { id: burId },
    data: { status: 'failed', failedLine: null, failedError: truncateError(error) },
    select: { id: true },
  });
}

export async function completeBur(client: BurClient, burId: number): Promise<void> {
  await client.bulkUpdateRequest.update({
    where: { id: burId },
    data: { status: 'completed', completedAt: new Date(), failedLine: null, failedError: null },
    select: { id: true },
  });
}
