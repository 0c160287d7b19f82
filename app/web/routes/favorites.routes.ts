/** Favorites: signed-in users favorite and unfavorite posts; everyone reads a user's favorites. */
import { Router } from 'express';
import { favoritesController } from '../controllers/favorites.controller';
import { requireSignIn } from '../middleware/require-level';
import type { FavoritesService } from '../services/favorites.service';

export function favoritesRoutes(favorites: FavoritesService): Router {
  const c = favoritesController(favorites);
  return Router()
    .post('/favorites', requireSignIn(), c.create)
    .post('/favorites/:postId/delete', requireSignIn(), c.destroy)
    .get('/users/:id/favorites', c.index)
    .post('/api/favorites', requireSignIn(), c.apiCreate)
    .delete('/api/favorites/:postId', requireSignIn(), c.apiDestroy)
    .get('/api/users/:id/favorites', c.apiIndex);
}
