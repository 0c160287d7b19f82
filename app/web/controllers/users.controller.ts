/**
 * Users: list and show (HTML) and the same as JSON under /api/users. Only public fields
 * (id, name, level, createdAt, post and favorite counts, deleted) ever leave the server.
 * Admins delete accounts: a confirmation overlay, then POST /users/:id/delete confirmed=yes
 * (JSON: DELETE /api/users/:id {"confirmed": true}); the request marks the user and enqueues
 * DeleteFavoritesJob, with content=yes ({"content": true}) also marks the user's posts and uploads
 * for deletion, and returns without waiting for any job (202 in JSON).
 */
import type { Request, RequestHandler } from 'express';
import { NotFoundError, ValidationError } from '../errors';
import { isRecordId } from '../../db/record-id';
import { flash, intParam } from '../middleware/respond';
import type { UsersService } from '../services/users.service';
import { sendPage } from '../views/render';
import { deleteUserConfirmPage, userPage, usersPage } from '../views/users.views';

function yes(req: Request, field: 'confirmed' | 'content'): boolean {
  const value = (req.body as Record<string, unknown> | undefined)?.[field];
  return value === 'yes' || value === true;
}
const confirmed = (req: Request) => yes(req, 'confirmed');

export function usersController(users: UsersService) {
  const index: RequestHandler = async (req, res) => {
    sendPage(req, res, usersPage(await users.list(intParam(req.query.page, 1))));
  };
  const show: RequestHandler = async (req, res) => {
    sendPage(req, res, userPage(await users.find(Number(req.params.id))));
  };
  const apiIndex: RequestHandler = async (req, res) => {
    const page = await users.list(intParam(req.query.page, 1), intParam(req.query.limit, 50, 200));
    res.json({ users: page.users, page: page.page, perPage: page.perPage, total: page.total });
  };
  const apiShow: RequestHandler = async (req, res) => {
    res.json(await users.find(Number(req.params.id)));
  };

  const confirmDelete: RequestHandler = async (req, res) => {
    sendPage(req, res, deleteUserConfirmPage(await users.find(Number(req.params.id))));
  };
  const destroy: RequestHandler = async (req, res) => {
    const id = Number(req.params.id);
    // Checked before the redirect, which would otherwise send a bad id on to /users/NaN/....
    if (!isRecordId(id)) throw new NotFoundError(`no user ${String(req.params.id)}`);
    if (!confirmed(req)) {
      res.redirect(303, `/users/${id}/delete/confirm`);
      return;
    }
    const actor = res.locals.currentUser;
    if (!actor) throw new Error('user deletion runs after requireLevel');
    const result = await users.delete(id, actor, { content: yes(req, 'content') });
    const content = result.content
      ? ` ${result.content.marked.Post} posts and ${result.content.marked.Upload} uploads marked for deletion${result.content.complete ? '' : ` (the rest by job ${result.content.jobId})`}.`
      : '';
    flash(
      req,
      'notice',
      `${result.name} deleted; ${result.jobClass} (job ${result.jobId}) removes their favorites.${content}`,
    );
    res.redirect(303, `/users/${id}`);
  };
  const apiDestroy: RequestHandler = async (req, res) => {
    if (!confirmed(req))
      throw new ValidationError({
        confirmed: 'deleting an account cannot be undone: send {"confirmed": true} to go ahead',
      });
    const actor = res.locals.currentUser;
    if (!actor) throw new Error('user deletion runs after requireLevel');
    res.status(202).json(await users.delete(Number(req.params.id), actor, { content: yes(req, 'content') }));
  };

  return { index, show, apiIndex, apiShow, confirmDelete, destroy, apiDestroy };
}
