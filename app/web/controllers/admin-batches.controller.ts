/**
 * One batch's progress (Backlot batches) for moderators and admins: GET /admin/jobs/batches/:id
 * (a page) and GET /api/admin/jobs/batches/:id (JSON). An unknown or malformed id is a 404 naming it.
 *
 * Example: GET /api/admin/jobs/batches/batch-3f… -> { id, total: 3, pending: 1, succeeded: 2, ... }
 */
import type { RequestHandler } from 'express';
import type { JobAdminService } from '../admin/job-admin.service';
import { batchPage } from '../views/admin-batches.views';
import { sendPage } from '../views/render';

export function adminBatchesController(jobs: JobAdminService) {
  const show: RequestHandler = async (req, res) => {
    sendPage(req, res, batchPage(await jobs.batch(String(req.params.id))));
  };

  const apiShow: RequestHandler = async (req, res) => {
    res.json(await jobs.batch(String(req.params.id)));
  };

  return { show, apiShow };
}
