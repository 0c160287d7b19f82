/** Users: public list and profiles; admins delete accounts (confirmation first). */
import { Router } from 'express';
import { usersController } from '../controllers/users.controller';
import { requireLevel } from '../middleware/require-level';
import type { UsersService } from '../services/users.service';

export function usersRoutes(users: UsersService): Router {
  const c = usersController(users);
  const admin = requireLevel('admin');
  return Router()
    .get('/users', c.index)
    .get('/users/:id', c.show)
    .get('/users/:id/delete/confirm', admin, c.confirmDelete)
    .post('/users/:id/delete', admin, c.destroy)
    .get('/api/users', c.apiIndex)
    .get('/api/users/:id', c.apiShow)
    .delete('/api/users/:id', admin, c.apiDestroy);
}
