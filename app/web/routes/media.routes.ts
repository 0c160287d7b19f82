/** Posts' image files, for everyone (as the posts are). */
import { Router } from 'express';
import { mediaController } from '../controllers/media.controller';

export function mediaRoutes(storageRoot: string): Router {
  return Router().get('/data/posts/:id/:file', mediaController(storageRoot).show);
}
