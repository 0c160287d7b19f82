/**
 * Bulk update requests: list, show (with the live section), the section alone for live updates,
 * create and edit with per-line validation, approve and reject (the pages; the JSON API under
 * /api is burs-api.controller.ts, the request helpers bur-request.ts).
 *
 * A script whose lines do not all validate is still stored (pending, each bad line with its
 * reason, app/services/bulk-update-request/approval.ts), and the author lands on the edit page,
 * where every bad line is listed beside the script. A script refused as a whole (empty, over its
 * limits) is not stored: the form comes back with 422. Approval enqueues the processing job and
 * returns at once (JSON: 202 with the job id).
 *
 * Example: POST /bulk_update_requests title=A&script=alias a -> b  -> 303 to the request's page
 */
import type { Request, RequestHandler, Response } from 'express';
import { BurValidationError, isOpenBur } from '../../services/bulk-update-request/approval';
import { ConflictError, ForbiddenError } from '../errors';
import { flash, intParam, stringParam } from '../middleware/respond';
import type { BursService } from '../services/burs.service';
import {
  burLiveSection,
  burPage,
  burPath,
  bursPage,
  editBurPage,
  newBurPage,
  type BurFormState,
} from '../views/burs.views';
import { sendFragment, sendPage } from '../views/render';
import {
  actorOf,
  badLineSummary,
  body,
  checkedLines,
  formValues,
  idOf,
  signedIn,
  storedLines,
  type Found,
} from './bur-request';

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

  return { index, show: showPage, progress, newForm, create, edit, update, approve, reject };
}
