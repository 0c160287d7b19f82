/**
 * Job history pages and their JSON twin (moderators and admins; argument search and arguments
 * for admins only): GET /admin/jobs/history (filters form and results) and
 * GET /api/admin/jobs/history (the same search as JSON).
 *
 * Example: GET /admin/jobs/history?jobClass=ResizeJob&state=failed&args=post%3D123
 */
import type { RequestHandler } from 'express';
import type { JobHistoryService } from '../services/job-history.service';
import { isAdmin } from '../middleware/require-level';
import { historyPage } from '../views/job-history.views';
import { sendPage } from '../views/render';

export function jobHistoryController(history: JobHistoryService) {
  const page: RequestHandler = async (req, res) => {
    const admin = isAdmin(res.locals.currentUser);
    const { query, result } = await history.search(req.query, { admin });
    sendPage(req, res, historyPage({ query, result, queues: history.queueNames, admin }));
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

  return { page, api };
}
