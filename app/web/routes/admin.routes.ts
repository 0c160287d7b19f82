/**
 * /admin and /api/admin: moderators and admins read, admins act; everyone else 403 on every
 * route, including ones that do not exist (no probing). Bull Board is mounted by create-app.ts
 * (an express sub-app) with the same levels.
 */
import { Router } from 'express';
import type { JobAdminService } from '../admin/job-admin.service';
import { adminBatchesController } from '../controllers/admin-batches.controller';
import { adminJobsController } from '../controllers/admin-jobs.controller';
import { jobHistoryController } from '../controllers/job-history.controller';
import type { JobHistoryService } from '../services/job-history.service';
import { requireLevel } from '../middleware/require-level';

export function adminRoutes(jobs: JobAdminService, history: JobHistoryService): Router {
  const c = adminJobsController(jobs, history);
  const h = jobHistoryController(history);
  const batches = adminBatchesController(jobs);
  const admin = requireLevel('admin');
  return Router()
    .use(['/admin', '/api/admin'], requireLevel('moderator'))
    .get('/admin', (_req, res) => res.redirect(303, '/admin/jobs'))
    .get('/admin/jobs', c.index)
    .get('/admin/jobs/summary', c.summary)
    .post('/admin/queues/:queue/pause', admin, c.pause)
    .post('/admin/queues/:queue/resume', admin, c.resume)
    .get('/admin/bulk/:action/confirm', admin, c.bulkConfirm)
    .post('/admin/bulk/:action', admin, c.bulkAct)
    .get('/admin/jobs/history', h.page)
    .get('/admin/jobs/history/retry/confirm', admin, h.retryConfirm)
    .post('/admin/jobs/history/retry', admin, h.retry)
    .get('/admin/jobs/batches/:id', batches.show)
    .get('/admin/jobs/:id', c.show)
    .get('/admin/jobs/:id/row', c.row)
    .get('/admin/jobs/:id/:action/confirm', admin, c.confirm)
    .post('/admin/jobs/:id/:action', admin, c.act)
    .get('/api/admin/jobs', c.apiIndex)
    .get('/api/admin/jobs/history', h.api)
    .post('/api/admin/jobs/history/retry', admin, h.apiRetry)
    .get('/api/admin/queues', c.apiQueues)
    .get('/api/admin/jobs/batches/:id', batches.apiShow)
    .get('/api/admin/jobs/:id', c.apiShow)
    .post('/api/admin/jobs/:id/:action', admin, c.apiAct)
    .post('/api/admin/queues/:queue/pause', admin, c.apiPause)
    .post('/api/admin/queues/:queue/resume', admin, c.apiResume)
    .post('/api/admin/bulk/:action', admin, c.apiBulk);
}
