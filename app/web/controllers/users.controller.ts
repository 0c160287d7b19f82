/**
 * Users: list and show (HTML) and the same as JSON under /api/users. Only public fields
 * (id, name, level, createdAt, post count) ever leave the server.
 */
import type { RequestHandler } from 'express';
import { intParam } from '../middleware/respond';
import type { UsersService } from '../services/users.service';
import { sendPage } from '../views/render';
import { userPage, usersPage } from '../views/users.views';

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
  return { index, show, apiIndex, apiShow };
}
