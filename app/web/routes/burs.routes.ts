/**
 * Bulk update requests: everyone reads; signed-in users create, and edit or reject their own
 * (moderators any); approval as the BUR service's policy says (moderator and above). The service
 * checks each of these again and answers 403 or 409 itself.
 */
import { Router } from 'express';
import { bursApiController } from '../controllers/burs-api.controller';
import { bursController } from '../controllers/burs.controller';
import { requireSignIn } from '../middleware/require-level';
import type { BursService } from '../services/burs.service';

export function bursRoutes(burs: BursService): Router {
  const c = { ...bursController(burs), ...bursApiController(burs) };
  const signedIn = requireSignIn();
  return Router()
    .get('/bulk_update_requests', c.index)
    .get('/bulk_update_requests/new', signedIn, c.newForm)
    .post('/bulk_update_requests', signedIn, c.create)
    .get('/bulk_update_requests/:id', c.show)
    .get('/bulk_update_requests/:id/progress', c.progress)
    .get('/bulk_update_requests/:id/edit', signedIn, c.edit)
    .post('/bulk_update_requests/:id', signedIn, c.update)
    .post('/bulk_update_requests/:id/approve', signedIn, c.approve)
    .post('/bulk_update_requests/:id/reject', signedIn, c.reject)
    .get('/api/bulk_update_requests', c.apiIndex)
    .post('/api/bulk_update_requests', signedIn, c.apiCreate)
    .get('/api/bulk_update_requests/:id', c.apiShow)
    .patch('/api/bulk_update_requests/:id', signedIn, c.apiUpdate)
    .post('/api/bulk_update_requests/:id/approve', signedIn, c.apiApprove)
    .post('/api/bulk_update_requests/:id/reject', signedIn, c.apiReject);
}
