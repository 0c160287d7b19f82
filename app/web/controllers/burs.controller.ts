/**
 * Bulk update requests: list, show (with the live section), the section alone for live updates,
 * create and edit with per-line validation, approve and reject; HTML and JSON under /api.
 *
 * A script whose lines do not all validate is still stored (pending, each bad line with its
 * reason, app/services/bulk-update-request/approval.ts), and the author lands on the edit page,
 * where every bad line is listed beside the script. A script refused as a whole (empty, over its
 * limits) is not stored: the form comes back with 422. Approval enqueues the processing job and
 * returns at once (JSON: 202 with the job id).
 *
 * Example: POST /api/bulk_update_requests {"script":"alias a -> b","title":"A"} -> 201 { bur, valid, errors }
 */
import type { Request, RequestHandler, Response } from 'express';
import {
  lineResults,
  BurValidationError,
  isOpenBur,
  type BurActor,
} from '../../services/bulk-update-request/approval';
import type { ScriptCheck } from '../../services/bulk-update-request/index';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { flash, intParam, stringParam } from '../middleware/respond';
import { burProgress, type BursService } from '../services/burs.service';
import {
  burLiveSection,
  burPage,
  burPath,
  bursPage,
  editBurPage,
  newBurPage,
  type BurFormState,
  type CheckedLine,
} from '../views/burs.views';
import { sendFragment, sendPage } from '../views/render';
import { isRecordId } from '../../db/record-id';

type Found = Awaited<ReturnType<BursService['find']>>;

function actorOf(res: Response): BurActor | undefined {
  const user = res.locals.currentUser;
  return user ? { id: user.id, level: user.level } : undefined;
}

function signedIn(res: Response): BurActor {
  const actor = actorOf(res);
  if (!actor) throw new Error('this route runs after requireSignIn');
  return actor;
}

function idOf(req: Request): number {
  const id = Number(req.params.id);
  if (!isRecordId(id)) throw new NotFoundError(`no bulk update request ${String(req.params.id)}`);
  return id;
}

function body(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

function formValues(req: Request) {
  const b = body(req);
  return { title: stringParam(b.title), script: stringParam(b.script), reason: stringParam(b.reason) };
}

function checkedLines(check: ScriptCheck | undefined): CheckedLine[] {
  return check ? lineResults(check) : [];
}

function storedLines(bur: Found): CheckedLine[] {
  return bur.lines.map((l) => ({ lineNumber: l.lineNumber, text: l.text, error: l.error }));
}

function badLineSummary(lines: readonly CheckedLine[]): string {
  const bad = lines.filter((l) => l.error !== null);
  const first = bad[0];
  if (!first) return '';
  return `line ${first.lineNumber} (${first.text}): ${first.error ?? ''}${bad.length > 1 ? `, and ${bad.length - 1} more` : ''}`;
}

/** The request as JSON: every field but the approver's and creator's private ones, lines, progress. */
export function burJson(bur: Found) {
  return {
    id: bur.id,
    title: bur.title,
    reason: bur.reason,
    script: bur.script,
    status: bur.status,
    /** Who may approve it now (Danbooru's levels); null once it is no longer pending or failed. */
    approvalLevel: bur.approvalLevel,
    creator: bur.user,
    approver: bur.approver,
    failedLine: bur.failedLine,
    failedError: bur.failedError,
    createdAt: bur.createdAt,
    approvedAt: bur.approvedAt,
    completedAt: bur.completedAt,
    lines: bur.lines.map((l) => ({
      lineNumber: l.lineNumber,
      text: l.text,
      status: l.status,
      error: l.error,
      rowsDone: l.rowsDone,
      rowsTotal: l.rowsTotal,
      startedAt: l.startedAt,
      finishedAt: l.finishedAt,
    })),
    progress: burProgress(bur.status, bur.lines) ?? null,
  };
}

function validationJson(error: BurValidationError) {
  return {
    error: error.message,
    scriptErrors: error.check?.scriptErrors ?? [],
    lines: checkedLines(error.check).filter((l) => l.error !== null),
  };
}

export function bursController(burs: BursService) {
  const show = async (req: Request, res: Response, id: number) => {
    const bur = await burs.find(id);
    sendPage(req, res, burPage(bur, burs.permissions(bur, actorOf(res))));
  };

  const index: RequestHandler = async (req, res) => {
    const userId = intParam(req.query.userId, 0);
    sendPage(
      req,
      res,
      bursPage(
        await burs.list(
          { status: stringParam(req.query.status), ...(userId ? { userId } : {}) },
          intParam(req.query.page, 1),
        ),
      ),
    );
  };

  const showPage: RequestHandler = (req, res) => show(req, res, idOf(req));

  const progress: RequestHandler = async (req, res) => {
    const bur = await burs.find(idOf(req));
    sendFragment(req, res, (ctx) => burLiveSection(ctx, bur, burs.permissions(bur, actorOf(res))));
  };

  const newForm: RequestHandler = (req, res) => {
    sendPage(req, res, newBurPage());
  };

  const create: RequestHandler = async (req, res) => {
    const values = formValues(req);
    try {
      const { bur, check } = await burs.create(signedIn(res), body(req));
      if (check.ok) {
        flash(req, 'notice', `Bulk update request #${bur.id} created: every line is valid`);
        res.redirect(303, burPath(bur.id));
      } else {
        flash(
          req,
          'alert',
          `Bulk update request #${bur.id} saved, but ${badLineSummary(checkedLines(check))}. Fix the script before it can be approved.`,
        );
        res.redirect(303, burPath(bur.id, '/edit'));
      }
    } catch (error) {
      if (!(error instanceof BurValidationError)) throw error;
      res.status(422);
      const state: BurFormState = {
        values,
        errors: error.check?.scriptErrors.length ? error.check.scriptErrors : [error.message],
        lines: checkedLines(error.check),
      };
      sendPage(req, res, newBurPage(state));
    }
  };

  const editable = (bur: Found, res: Response) => {
    const can = burs.permissions(bur, actorOf(res));
    if (!can.edit) {
      if (!isOpenBur(bur))
        throw new ConflictError(
          `bulk update request #${bur.id} is ${bur.status}: only a pending or failed request can be edited`,
        );
      throw new ForbiddenError(`only its author or an admin may edit bulk update request #${bur.id}`);
    }
  };

  const edit: RequestHandler = async (req, res) => {
    const bur = await burs.find(idOf(req));
    editable(bur, res);
    const state: BurFormState = {
      values: { title: bur.title ?? '', script: bur.script, reason: bur.reason },
      errors: [],
      lines: storedLines(bur),
    };
    sendPage(req, res, editBurPage(bur, state));
  };

  const update: RequestHandler = async (req, res) => {
    const id = idOf(req);
    const values = formValues(req);
    try {
      const { bur, check } = await burs.update(id, signedIn(res), body(req));
      if (check.ok) {
        flash(req, 'notice', `Bulk update request #${bur.id} saved: every line is valid`);
        res.redirect(303, burPath(bur.id));
      } else {
        flash(
          req,
          'alert',
          `Saved, but ${badLineSummary(checkedLines(check))}. Fix the script before it can be approved.`,
        );
        res.redirect(303, burPath(bur.id, '/edit'));
      }
    } catch (error) {
      if (!(error instanceof BurValidationError)) throw error;
      const bur = await burs.find(id);
      res.status(422);
      const state: BurFormState = {
        values,
        errors: error.check?.scriptErrors.length ? error.check.scriptErrors : [error.message],
        lines: checkedLines(error.check),
      };
      sendPage(req, res, editBurPage(bur, state));
    }
  };

  const approve: RequestHandler = async (req, res) => {
    const id = idOf(req);
    try {
      const { jobId, resumed } = await burs.approve(id, signedIn(res));
      flash(
        req,
        'notice',
        `Bulk update request #${id} approved${resumed ? ' again (resuming at its failed line)' : ''}: ProcessBulkUpdateRequestJob ${jobId} enqueued`,
      );
    } catch (error) {
      if (!(error instanceof BurValidationError)) throw error;
      flash(req, 'alert', `Not approved: ${error.message}`);
    }
    res.redirect(303, burPath(id));
  };

  const reject: RequestHandler = async (req, res) => {
    const id = idOf(req);
    await burs.reject(id, signedIn(res));
    flash(req, 'notice', `Bulk update request #${id} rejected`);
    res.redirect(303, burPath(id));
  };

  // JSON API ------------------------------------------------------------------------------

  const apiIndex: RequestHandler = async (req, res) => {
    const userId = intParam(req.query.userId, 0);
    const result = await burs.list(
      { status: stringParam(req.query.status), ...(userId ? { userId } : {}) },
      intParam(req.query.page, 1),
      intParam(req.query.limit, 25, 200),
    );
    res.json({
      bulkUpdateRequests: result.burs,
      total: result.total,
      page: result.page,
      perPage: result.perPage,
    });
  };

  const apiShow: RequestHandler = async (req, res) => {
    res.json(burJson(await burs.find(idOf(req))));
  };

  const apiWrite = (
    work: (req: Request, res: Response) => Promise<{ bur: { id: number }; check: ScriptCheck }>,
    status: number,
  ): RequestHandler => {
    return async (req, res) => {
      try {
        const { bur, check } = await work(req, res);
        res.status(status).json({
          bur: burJson(await burs.find(bur.id)),
          valid: check.ok,
          errors: checkedLines(check).filter((l) => l.error !== null),
        });
      } catch (error) {
        if (!(error instanceof BurValidationError)) throw error;
        res.status(422).json(validationJson(error));
      }
    };
  };

  const apiCreate = apiWrite((req, res) => burs.create(signedIn(res), body(req)), 201);
  const apiUpdate = apiWrite((req, res) => burs.update(idOf(req), signedIn(res), body(req)), 200);

  const apiApprove: RequestHandler = async (req, res) => {
    try {
      const { bur, jobId, resumed } = await burs.approve(idOf(req), signedIn(res));
      res.status(202).json({ id: bur.id, status: bur.status, jobId, resumed });
    } catch (error) {
      if (!(error instanceof BurValidationError)) throw error;
      res.status(422).json(validationJson(error));
    }
  };

  const apiReject: RequestHandler = async (req, res) => {
    const bur = await burs.reject(idOf(req), signedIn(res));
    res.json({ id: bur.id, status: bur.status });
  };

  return {
    index,
    show: showPage,
    progress,
    newForm,
    create,
    edit,
    update,
    approve,
    reject,
    apiIndex,
    apiShow,
    apiCreate,
    apiUpdate,
    apiApprove,
    apiReject,
  };
}
