/**
 * /admin and /api/admin: moderators and admins read, admins act; everyone else 403 on every
 * route, including ones that do not exist (no probing). Bull Board is mounted by create-app.ts
 * (an express sub-app) with the same levels.
 */
import { Router } from 'express';
import type { JobAdminService } from '../admin/job-admin.service';
import { adminBatchesController } from '../controllers/admin-batches.controller';
import { adminJobsController } from '../controllers/admin-jobs.controller';
import { requireLevel } from '../middleware/require-level';

export function adminRoutes(jobs: JobAdminService): Router {
  const c = adminJobsController(jobs);
  const batches = adminBatchesController(jobs);
  const admin = requireLevel('admin');
  return Router()
    .use(['/admin', '/api/admin'], requireLevel('moderator'))
    .get('/admin', (_req, res) => res.redirect(303, '/admin/jobs'))
    .get('/admin/jobs', c.index)
    .get('/admin/jobs/summary', c.summary)
    .get('/admin/jobs/batches/:id', batches.show)
    .get('/admin/jobs/:id', c.show)
    .get('/admin/jobs/:id/row', c.row)
    .get('/admin/jobs/:id/:action/confirm', admin, c.confirm)
    .post('/admin/jobs/:id/:action', admin, c.act)
    .get('/api/admin/jobs', c.apiIndex)
    .get('/api/admin/queues', c.apiQueues)
    .get('/api/admin/jobs/batches/:id', batches.apiShow)
    .get('/api/admin/jobs/:id', c.apiShow)
    .post('/api/admin/jobs/:id/:action', admin, c.apiAct);
}
