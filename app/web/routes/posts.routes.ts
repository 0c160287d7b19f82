/** Posts: everyone reads; signed-in users edit tags. */
import { Router } from 'express';
import { postsController } from '../controllers/posts.controller';
import { requireSignIn } from '../middleware/require-level';
import type { PostsService } from '../services/posts.service';

export function postsRoutes(posts: PostsService): Router {
  const c = postsController(posts);
  return Router()
    .get('/posts', c.index)
    .get('/posts/:id', c.show)
    .get('/posts/:id/edit', requireSignIn(), c.edit)
    .post('/posts/:id/tags', requireSignIn(), c.updateTags)
    .get('/api/posts', c.apiIndex)
    .get('/api/posts/:id', c.apiShow)
    .patch('/api/posts/:id', requireSignIn(), c.apiUpdate);
}
