/**
 * Uploads: signed-in users upload and follow their uploads (moderators see every upload). The
 * multipart body of POST /uploads and /api/uploads is read earlier, by middleware/upload-intake.ts
 * (createApp mounts it before CSRF protection, so the form's token is in req.body).
 */
import { Router } from 'express';
import { uploadsController } from '../controllers/uploads.controller';
import { requireSignIn } from '../middleware/require-level';
import type { UploadsService } from '../services/uploads.service';

/** The paths that take a multipart upload. */
export const UPLOAD_PATHS = ['/uploads', '/api/uploads'];

export function uploadsRoutes(uploads: UploadsService): Router {
  const c = uploadsController(uploads);
  return Router()
    .get('/uploads/new', requireSignIn(), c.form)
    .post('/uploads', requireSignIn(), c.create)
    .get('/uploads/:id', requireSignIn(), c.show)
    .get('/uploads/:id/status', requireSignIn(), c.status)
    .post('/api/uploads', requireSignIn(), c.apiCreate)
    .get('/api/uploads/:id', requireSignIn(), c.apiShow);
}
