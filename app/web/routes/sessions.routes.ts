/** Accounts: sign-in and sign-up (both rate-limited), sign-out, as pages and under /api. */
import { Router, type RequestHandler } from 'express';
import { sessionsController } from '../controllers/sessions.controller';
import type { AccountsService } from '../services/accounts.service';

export function sessionsRoutes(
  accounts: AccountsService,
  loginLimits: RequestHandler[],
  signupLimit: RequestHandler,
): Router {
  const c = sessionsController(accounts);
  return Router()
    .get('/login', c.newLogin)
    .post('/login', ...loginLimits, c.createLogin)
    .post('/logout', c.destroy)
    .get('/signup', c.newSignup)
    .post('/signup', signupLimit, c.createSignup)
    .get('/api/session', c.apiShow)
    .post('/api/session', ...loginLimits, c.apiCreate)
    .delete('/api/session', c.apiDestroy)
    .post('/api/users', signupLimit, c.apiSignup);
}
