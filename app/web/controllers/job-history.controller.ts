/**
 * Job history pages and their JSON twin (moderators and admins; argument search and arguments
 * for admins only): GET /admin/jobs/history (filters form and results) and
 * GET /api/admin/jobs/history (the same search as JSON); "retry all failed" on a search (admins,
 * routed with requireLevel('admin')): GET /admin/jobs/history/retry/confirm?<search> says how
 * many, POST /admin/jobs/history/retry with the search and confirmed=yes acts, and
 * POST /api/admin/jobs/history/retry ({"confirmed": true} and the search) answers JSON.
 *
 * Example: GET /admin/jobs/history?jobClass=ResizeJob&state=failed&args=post%3D123
 */
import type { Request, RequestHandler, Response } from 'express';
import type { JobHistoryService } from '../services/job-history.service';
import { ValidationError } from '../errors';
import { flash } from '../middleware/respond';
import { isAdmin } from '../middleware/require-level';
import {
  historyHref,
  historyRetryBar,
  historyRetryConfirmPage,
  historyRetryMessage,
  HISTORY_RETRY_PATH,
} from '../views/history-retry.views';
import { historyPage } from '../views/job-history.views';
import { sendPage } from '../views/render';

function confirmed(req: Request): boolean {
  const value = (req.body as { confirmed?: unknown } | undefined)?.confirmed;
  return value === 'yes' || value === true;
}

const actor = (res: Response) => res.locals.currentUser?.name ?? 'an admin';
const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

export function jobHistoryController(history: JobHistoryService) {
  const page: RequestHandler = async (req, res) => {
    const admin = isAdmin(res.locals.currentUser);
    const { query, result } = await history.search(req.query, { admin });
    const actions = admin ? historyRetryBar(query) : undefined;
    sendPage(req, res, historyPage({ query, result, queues: history.queueNames, admin, actions }));
  };

  const retryConfirm: RequestHandler = async (req, res) => {
    const { query, plan } = await history.retryPlan(req.query);
    sendPage(req, res, historyRetryConfirmPage(query, plan));
  };

  const retry: RequestHandler = async (req, res) => {
    if (!confirmed(req)) {
      res.redirect(303, historyHref(history.parse(body(req)), `${HISTORY_RETRY_PATH}/confirm`));
      return;
    }
    const { query, result } = await history.retry(body(req), actor(res));
    flash(req, 'notice', historyRetryMessage(result));
    res.redirect(303, historyHref(query));
  };

  const apiRetry: RequestHandler = async (req, res) => {
    if (!confirmed(req)) {
      const { plan } = await history.retryPlan(body(req));
      throw new ValidationError({
        confirmed: `retry would retry ${plan.inPlace.length} in place and enqueue ${plan.again.length} again of ${plan.matched} matching failed job(s): send {"confirmed": true} to go ahead`,
      });
    }
    res.json((await history.retry(body(req), actor(res))).result);
  };

  const api: RequestHandler = async (req, res) => {
    const admin = isAdmin(res.locals.currentUser);
    const { result } = await history.search(req.query, { admin });
    res.json({
      ...result,
      executions: admin
        ? result.executions
        : result.executions.map(({ arguments: _hidden, ...rest }) => rest),
    });
  };

  return { page, api, retryConfirm, retry, apiRetry };
}
