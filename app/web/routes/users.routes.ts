/** Users: public list and profiles. */
import { Router } from 'express';
import { usersController } from '../controllers/users.controller';
import type { UsersService } from '../services/users.service';

export function usersRoutes(users: UsersService): Router {
  const c = usersController(users);
  return Router().get('/users', c.index).get('/users/:id', c.show).get('/api/users', c.apiIndex).get('/api/users/:id', c.apiShow);
}
