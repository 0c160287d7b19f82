/**
 * Favorites: favorite and unfavorite a post (signed-in users; forms and /api), a user's list.
 *
 * Example: POST /api/favorites {"postId": 12} with X-CSRF-Token -> 201 { postId, favorited: true, favCount }
 */
import type { RequestHandler } from 'express';
import { ValidationError } from '../errors';
import { flash, intParam } from '../middleware/respond';
import type { FavoritesService } from '../services/favorites.service';
import { favoritesPage } from '../views/favorites.views';
import { sendPage } from '../views/render';
import { isRecordId } from '../../db/record-id';

function postIdFrom(body: unknown): number {
  const raw = (body as { postId?: unknown } | undefined)?.postId;
  const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!isRecordId(id)) throw new ValidationError({ postId: 'postId must be a post id' });
  return id;
}

export function favoritesController(favorites: FavoritesService) {
  const userId = (res: Parameters<RequestHandler>[1]) => {
    const user = res.locals.currentUser;
    if (!user) throw new Error('favorites routes run after requireSignIn');
    return user.id;
  };

  const create: RequestHandler = async (req, res) => {
    const postId = postIdFrom(req.body);
    const { changed } = await favorites.add(userId(res), postId);
    flash(
      req,
      'notice',
      changed ? `Post #${postId} added to your favorites` : `Post #${postId} is already a favorite`,
    );
    res.redirect(303, `/posts/${postId}`);
  };
  const destroy: RequestHandler = async (req, res) => {
    const postId = Number(req.params.postId);
    const { changed } = await favorites.remove(userId(res), postId);
    flash(
      req,
      'notice',
      changed ? `Post #${postId} removed from your favorites` : `Post #${postId} was not a favorite`,
    );
    res.redirect(303, `/posts/${postId}`);
  };
  const index: RequestHandler = async (req, res) => {
    sendPage(
      req,
      res,
      favoritesPage(await favorites.listForUser(Number(req.params.id), intParam(req.query.page, 1))),
    );
  };

  const apiCreate: RequestHandler = async (req, res) => {
    const postId = postIdFrom(req.body);
    const { changed, favCount } = await favorites.add(userId(res), postId);
    res.status(changed ? 201 : 200).json({ postId, favorited: true, favCount });
  };
  const apiDestroy: RequestHandler = async (req, res) => {
    const postId = Number(req.params.postId);
    const { favCount } = await favorites.remove(userId(res), postId);
    res.json({ postId, favorited: false, favCount });
  };
  const apiIndex: RequestHandler = async (req, res) => {
    const result = await favorites.listForUser(
      Number(req.params.id),
      intParam(req.query.page, 1),
      intParam(req.query.limit, 20, 200),
    );
    res.json({
      user: result.user,
      posts: result.posts,
      total: result.total,
      page: result.page,
      perPage: result.perPage,
    });
  };

  return { create, destroy, index, apiCreate, apiDestroy, apiIndex };
}
