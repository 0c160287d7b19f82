/** Posts: everyone reads; signed-in users edit tags; moderators delete (a confirmation first). */
import { Router } from 'express';
import { postsController } from '../controllers/posts.controller';
import { requireLevel, requireSignIn } from '../middleware/require-level';
import type { FavoritesService } from '../services/favorites.service';
import type { PostsService } from '../services/posts.service';

export function postsRoutes(posts: PostsService, favorites: FavoritesService): Router {
  const c = postsController(posts, favorites);
  return Router()
    .get('/posts', c.index)
    .get('/posts/:id', c.show)
    .get('/posts/:id/edit', requireSignIn(), c.edit)
    .post('/posts/:id/tags', requireSignIn(), c.updateTags)
    .get('/posts/:id/delete/confirm', requireLevel('moderator'), c.confirmDelete)
    .post('/posts/:id/delete', requireLevel('moderator'), c.destroy)
    .get('/api/posts', c.apiIndex)
    .get('/api/posts/:id', c.apiShow)
    .patch('/api/posts/:id', requireSignIn(), c.apiUpdate)
    .delete('/api/posts/:id', requireLevel('moderator'), c.apiDestroy);
}
