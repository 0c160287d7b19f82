/**
 * The admin jobs pages and their JSON twins under /api/admin: list (moderators and admins),
 * one job (arguments and result for admins only), the confirmation overlay, and the actions
 * retry, run-now, cancel and destroy (admins; cancel and destroy only with `confirmed`); pause and
 * resume a queue; bulk retry, discard and destroy of the jobs a filter matches (admins, only with
 * `confirmed`, after a page saying how many).
 *
 * Example: POST /admin/jobs/ID/destroy confirmed=yes&_csrf=... -> 303 /admin/jobs with a notice
 */
import type { Request, RequestHandler, Response } from 'express';
import { filterSecrets, type JobFilter, type JobStatus } from '../../framework/index';
import { bulkActionOf } from '../admin/bulk-actions';
import {
  DESTRUCTIVE_ACTIONS,
  isJobAction,
  type JobAction,
  type JobAdminService,
} from '../admin/job-admin.service';
import { NotFoundError, ValidationError } from '../errors';
import { flash, intParam, stringParam } from '../middleware/respond';
import { isAdmin } from '../middleware/require-level';
import { bulkConfirmPage, bulkMessage, jobsPath } from '../views/admin-bulk.views';
import { confirmPage, jobPage, jobPath, jobRow, jobsPage, queueSummary } from '../views/admin-jobs.views';
import { sendFragment, sendPage } from '../views/render';
import type { JobHistoryService } from '../services/job-history.service';
import { executionTimeline, historyJobPage } from '../views/job-history.views';
import { jobLinks } from '../views/job-links.views';

/** Jobs listed when no limit is given. @defaultValue 50 */
export const DEFAULT_JOB_LIMIT = 50;
/** Hours of throughput the charts show when none are given. @defaultValue 3 */
export const DEFAULT_CHART_HOURS = 3;

/** Longest queue, state or class name a filter takes. @defaultValue 200 */
export const MAX_FILTER_FIELD_LENGTH = 200;

/** One filter field: its first value, '' as absent, longer than any name a 422 naming it. */
function filterField(fields: Record<string, unknown>, field: string): string | undefined {
  const value = stringParam(fields[field]) || undefined;
  if (value !== undefined && value.length > MAX_FILTER_FIELD_LENGTH)
    throw new ValidationError({
      [field]: `${field} is at most ${MAX_FILTER_FIELD_LENGTH} characters (got ${value.length})`,
    });
  return value;
}

/**
 * queue, state and class from a query string or a form body; empty fields match all. Each is
 * bounded, as the unconfirmed bulk action sends it back in its redirect (a Location header).
 */
function filterOf(source: unknown): JobFilter {
  const fields = (source ?? {}) as Record<string, unknown>;
  return {
    queue: filterField(fields, 'queue'),
    state: filterField(fields, 'state'),
    jobClass: filterField(fields, 'class'),
  };
}

function filters(req: Request) {
  return { ...filterOf(req.query), limit: intParam(req.query.limit, DEFAULT_JOB_LIMIT, 500) };
}

const actor = (res: Response) => res.locals.currentUser?.name ?? 'an admin';

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
    const [stats, list, throughput, latency, outbox] = await Promise.all([
      jobs.stats(),
      jobs.list(f),
      jobs.throughput(hours * 60),
      jobs.latency(hours * 60),
      jobs.outboxWaiting(),
    ]);
    sendPage(
      req,
      res,
      jobsPage({
        stats,
        jobs: list,
        throughput,
        latency,
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
    const [stats, throughput, latency, outbox] = await Promise.all([
      jobs.stats(),
      jobs.throughput(hours * 60),
      jobs.latency(hours * 60),
      jobs.outboxWaiting(),
    ]);
    const admin = isAdmin(res.locals.currentUser);
    sendFragment(req, res, (ctx) =>
      queueSummary({ stats, throughput, latency, hours, outbox }, admin ? ctx : undefined),
    );
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
      if (!history || timeline.length === 0)
        throw new NotFoundError(`no job ${id} in Redis or in the job history`);
      const links = jobLinks(await history.relations(id, { timeline }));
      sendPage(req, res, historyJobPage(id, timeline, admin, links));
      return;
    }
    if (!history) {
      sendPage(req, res, jobPage(status, admin));
      return;
    }
    const links = jobLinks(await history.relations(id, { live: status, timeline }));
    sendPage(req, res, jobPage(status, admin, executionTimeline(timeline), links));
  };

  /** One row of the list, for live.js; 204 when the job does not match the page's filters. */
  const row: RequestHandler = async (req, res) => {
    const summary = await jobs.summary(String(req.params.id));
    const f = filters(req);
    if (
      (f.queue && summary.queue !== f.queue) ||
      (f.state && summary.state !== f.state) ||
      (f.jobClass && summary.jobClass !== f.jobClass)
    ) {
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
    flash(req, 'notice', await jobs.perform(action, id, actor(res)));
    res.redirect(303, '/admin/jobs');
  };

  const apiIndex: RequestHandler = async (req, res) => {
    res.json({ jobs: await jobs.list(filters(req)) });
  };

  const apiQueues: RequestHandler = async (req, res) => {
    const hours = intParam(req.query.hours, DEFAULT_CHART_HOURS, 24);
    const [stats, throughput, latency, outbox] = await Promise.all([
      jobs.stats(),
      jobs.throughput(hours * 60),
      jobs.latency(hours * 60),
      jobs.outboxWaiting(),
    ]);
    res.json({
      queues: stats.map((s) => ({
        ...s,
        throughput: throughput.find((t) => t.queue === s.queue),
        latency: latency.find((l) => l.queue === s.queue),
      })),
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
      message: await jobs.perform(action, id, actor(res)),
    });
  };

  /** POST /admin/queues/:queue/pause or /resume, back to the jobs page with a notice. */
  const setPaused =
    (paused: boolean): RequestHandler =>
    async (req, res) => {
      flash(req, 'notice', await jobs.setPaused(String(req.params.queue), paused));
      res.redirect(303, '/admin/jobs');
    };

  const apiSetPaused =
    (paused: boolean): RequestHandler =>
    async (req, res) => {
      const queue = String(req.params.queue);
      res.json({ queue, paused, message: await jobs.setPaused(queue, paused) });
    };

  /** The confirmation of a bulk action, saying how many jobs the filter matches and it touches. */
  const bulkConfirm: RequestHandler = async (req, res) => {
    const plan = await jobs.bulkPlan(bulkActionOf(String(req.params.action)), filterOf(req.query));
    sendPage(req, res, bulkConfirmPage(plan));
  };

  const bulkAct: RequestHandler = async (req, res) => {
    const action = bulkActionOf(String(req.params.action));
    const filter = filterOf(req.body);
    if (!confirmed(req)) {
      res.redirect(303, jobsPath(filter, `/admin/bulk/${action}/confirm`));
      return;
    }
    flash(req, 'notice', bulkMessage(await jobs.bulk(action, filter, actor(res))));
    res.redirect(303, jobsPath(filter));
  };

  const apiBulk: RequestHandler = async (req, res) => {
    const action = bulkActionOf(String(req.params.action));
    const filter = filterOf(req.body);
    if (!confirmed(req)) {
      const plan = await jobs.bulkPlan(action, filter);
      throw new ValidationError({
        confirmed: `${action} would touch ${plan.ids.length} of ${plan.matched} matching job(s): send {"confirmed": true} to go ahead`,
      });
    }
    res.json(await jobs.bulk(action, filter, actor(res)));
  };

  return {
    index,
    summary,
    show,
    row,
    confirm,
    act,
    apiIndex,
    apiQueues,
    apiShow,
    apiAct,
    pause: setPaused(true),
    resume: setPaused(false),
    apiPause: apiSetPaused(true),
    apiResume: apiSetPaused(false),
    bulkConfirm,
    bulkAct,
    apiBulk,
  };
}
