/**
 * The admin jobs pages and their JSON twins under /api/admin: list (moderators and admins),
 * one job (arguments and result for admins only), the confirmation overlay, and the actions
 * retry, run-now, cancel and destroy (admins; cancel and destroy only with `confirmed`).
 *
 * Example: POST /admin/jobs/ID/destroy confirmed=yes&_csrf=... -> 303 /admin/jobs with a notice
 */
import type { Request, RequestHandler } from 'express';
import { filterSecrets, type JobStatus } from '../../framework/index';
import {
  DESTRUCTIVE_ACTIONS,
  isJobAction,
  type JobAction,
  type JobAdminService,
} from '../admin/job-admin.service';
import { NotFoundError, ValidationError } from '../errors';
import { flash, intParam, stringParam } from '../middleware/respond';
import { isAdmin } from '../middleware/require-level';
import { confirmPage, jobPage, jobPath, jobRow, jobsPage, queueSummary } from '../views/admin-jobs.views';
import { sendFragment, sendPage } from '../views/render';
import type { JobHistoryService } from '../services/job-history.service';
import { executionTimeline, historyJobPage } from '../views/job-history.views';

/** Jobs listed when no limit is given. @defaultValue 50 */
export const DEFAULT_JOB_LIMIT = 50;
/** Hours of throughput the charts show when none are given. @defaultValue 3 */
export const DEFAULT_CHART_HOURS = 3;

function filters(req: Request) {
  const queue = stringParam(req.query.queue) || undefined;
  const state = stringParam(req.query.state) || undefined;
  return { queue, state, limit: intParam(req.query.limit, DEFAULT_JOB_LIMIT, 500) };
}

function actionOf(req: Request): JobAction {
  const action = String(req.params.action);
  if (!isJobAction(action)) throw new NotFoundError(`no job action "${action}"`);
  return action;
}

function confirmed(req: Request): boolean {
  const value = (req.body as { confirmed?: unknown } | undefined)?.confirmed;
  return value === 'yes' || value === true;
}

/**
 * A job's status as the viewer may see it: admins get arguments and result with secret keys
 * filtered (LOG_FILTER_KEYS), moderators neither.
 */
export function visibleStatus(
  status: JobStatus,
  admin: boolean,
): JobStatus | Omit<JobStatus, 'arguments' | 'result'> {
  const { arguments: args, result, ...rest } = status;
  return admin ? { ...rest, arguments: filterSecrets(args), result: filterSecrets(result) } : rest;
}

export function adminJobsController(jobs: JobAdminService, history?: JobHistoryService) {
  const index: RequestHandler = async (req, res) => {
    const f = filters(req);
    const hours = intParam(req.query.hours, DEFAULT_CHART_HOURS, 24);
    const [stats, list, throughput, outbox] = await Promise.all([
      jobs.stats(),
      jobs.list(f),
      jobs.throughput(hours * 60),
      jobs.outboxWaiting(),
    ]);
    sendPage(
      req,
      res,
      jobsPage({
        stats,
        jobs: list,
        throughput,
        outbox,
        hours,
        filters: f,
        admin: isAdmin(res.locals.currentUser),
      }),
    );
  };

  /** The counts and charts alone, which the jobs page refetches as job events arrive. */
  const summary: RequestHandler = async (req, res) => {
    const hours = intParam(req.query.hours, DEFAULT_CHART_HOURS, 24);
    const [stats, throughput, outbox] = await Promise.all([
      jobs.stats(),
      jobs.throughput(hours * 60),
      jobs.outboxWaiting(),
    ]);
    sendFragment(req, res, () => queueSummary(stats, throughput, hours, outbox));
  };

  /** A job Redis still holds, with its recorded executions; one it let go, from history alone. */
  const show: RequestHandler = async (req, res) => {
    const id = String(req.params.id);
    const admin = isAdmin(res.locals.currentUser);
    const [status, timeline] = await Promise.all([
      jobs.status(id).catch((error: unknown) => {
        if (error instanceof NotFoundError && history) return undefined;
        throw error;
      }),
      history ? history.timeline(id) : Promise.resolve([]),
    ]);
    if (!status) {
      if (timeline.length === 0) throw new NotFoundError(`no job ${id} in Redis or in the job history`);
      sendPage(req, res, historyJobPage(id, timeline, admin));
      return;
    }
    sendPage(req, res, jobPage(status, admin, history ? executionTimeline(timeline) : undefined));
  };

  /** One row of the list, for live.js; 204 when the job does not match the page's filters. */
  const row: RequestHandler = async (req, res) => {
    const summary = await jobs.summary(String(req.params.id));
    const f = filters(req);
    if ((f.queue && summary.queue !== f.queue) || (f.state && summary.state !== f.state)) {
      res.status(204).end();
      return;
    }
    sendFragment(req, res, (ctx) => jobRow(ctx, summary, isAdmin(res.locals.currentUser)));
  };

  const confirm: RequestHandler = async (req, res) => {
    const action = actionOf(req);
    if (!DESTRUCTIVE_ACTIONS.includes(action)) throw new NotFoundError(`${action} needs no confirmation`);
    sendPage(req, res, confirmPage(await jobs.summary(String(req.params.id)), action));
  };

  const act: RequestHandler = async (req, res) => {
    const action = actionOf(req);
    const id = String(req.params.id);
    if (DESTRUCTIVE_ACTIONS.includes(action) && !confirmed(req)) {
      res.redirect(303, jobPath(id, `/${action}/confirm`));
      return;
    }
    flash(req, 'notice', await jobs.perform(action, id, res.locals.currentUser?.name ?? 'an admin'));
    res.redirect(303, '/admin/jobs');
  };

  const apiIndex: RequestHandler = async (req, res) => {
    res.json({ jobs: await jobs.list(filters(req)) });
  };

  const apiQueues: RequestHandler = async (req, res) => {
    const hours = intParam(req.query.hours, DEFAULT_CHART_HOURS, 24);
    const [stats, throughput, outbox] = await Promise.all([
      jobs.stats(),
      jobs.throughput(hours * 60),
      jobs.outboxWaiting(),
    ]);
    res.json({
      queues: stats.map((s) => ({ ...s, throughput: throughput.find((t) => t.queue === s.queue) })),
      outbox: { waiting: outbox },
    });
  };

  const apiShow: RequestHandler = async (req, res) => {
    res.json(visibleStatus(await jobs.status(String(req.params.id)), isAdmin(res.locals.currentUser)));
  };

  const apiAct: RequestHandler = async (req, res) => {
    const action = actionOf(req);
    if (DESTRUCTIVE_ACTIONS.includes(action) && !confirmed(req)) {
      throw new ValidationError({ confirmed: `${action} loses work: send {"confirmed": true} to go ahead` });
    }
    const id = String(req.params.id);
    res.json({
      id,
      action,
      message: await jobs.perform(action, id, res.locals.currentUser?.name ?? 'an admin'),
    });
  };

  return { index, summary, show, row, confirm, act, apiIndex, apiQueues, apiShow, apiAct };
}
