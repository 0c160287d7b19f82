/**
 * Posts: search (the grid), show, edit tags (HTML) and the same as JSON under /api/posts.
 * A search that cannot run (a bad metatag, too many tags) is a 422 naming why.
 *
 * Example: GET /api/posts?tags=1girl+-smile+order:score&page=2 -> { posts, total, totalIsExact, ... }
 *          PATCH /api/posts/1 {"tagString":"smile 1girl"} with X-CSRF-Token -> 200 the post
 */
import type { Request, RequestHandler } from 'express';
import { NotFoundError, ValidationError } from '../errors';
import { flash, intParam, stringParam } from '../middleware/respond';
import type { FavoritesService } from '../services/favorites.service';
import { POSTS_PER_PAGE, type PostsService } from '../services/posts.service';
import {
  deletePostConfirmPage,
  editPostPage,
  postPage,
  postsPage,
  type PostView,
} from '../views/posts.views';
import { sendPage } from '../views/render';
import { isRecordId } from '../../db/record-id';

export function postJson(post: PostView) {
  return {
    id: post.id,
    md5: post.md5,
    rating: post.rating,
    fileExt: post.fileExt,
    imageWidth: post.imageWidth,
    imageHeight: post.imageHeight,
    fileSize: post.fileSize,
    fileUrl: post.files?.original ?? null,
    sampleUrl: post.files?.sample ?? null,
    previewUrl: post.files?.thumbnail ?? null,
    tagString: post.tagString,
    tags: post.tags,
    score: post.score,
    favCount: post.favCount,
    deletionRequested: post.deletionRequestedAt !== null,
    uploader: post.uploader ? { id: post.uploader.id, name: post.uploader.name } : null,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
  };
}

const idOf = (req: Request) => Number(req.params.id);

function confirmed(req: Request): boolean {
  const value = (req.body as { confirmed?: unknown } | undefined)?.confirmed;
  return value === 'yes' || value === true;
}

function moderatorId(res: Parameters<RequestHandler>[1]): number {
  const user = res.locals.currentUser;
  if (!user) throw new NotFoundError('post deletion runs after requireLevel');
  return user.id;
}

export function postsController(posts: PostsService, favorites: FavoritesService) {
  const index: RequestHandler = async (req, res) => {
    const tags = stringParam(req.query.tags);
    try {
      sendPage(req, res, postsPage(await posts.list(tags, intParam(req.query.page, 1))));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(422);
      const empty = {
        posts: [],
        total: 0,
        totalIsExact: true,
        page: 1,
        perPage: POSTS_PER_PAGE,
        tags: tags ?? '',
      };
      sendPage(req, res, postsPage(empty, error.fields));
    }
  };
  const show: RequestHandler = async (req, res) => {
    const post = await posts.find(idOf(req));
    const [tags, favorited] = await Promise.all([
      posts.tagDetails(post.id),
      favorites.isFavorite(res.locals.currentUser?.id, post.id),
    ]);
    sendPage(req, res, postPage(post, tags, favorited));
  };
  const edit: RequestHandler = async (req, res) => {
    sendPage(req, res, editPostPage(await posts.find(idOf(req))));
  };
  const updateTags: RequestHandler = async (req, res) => {
    const tagString = (req.body as { tagString?: unknown } | undefined)?.tagString;
    try {
      const post = await posts.updateTags(idOf(req), tagString);
      flash(req, 'notice', `Post #${post.id} updated`);
      res.redirect(303, `/posts/${post.id}`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const post = await posts.find(idOf(req));
      res.status(422);
      sendPage(
        req,
        res,
        editPostPage(post, {
          tagString: typeof tagString === 'string' ? tagString : '',
          errors: error.fields,
        }),
      );
    }
  };

  const apiIndex: RequestHandler = async (req, res) => {
    const page = await posts.list(
      stringParam(req.query.tags),
      intParam(req.query.page, 1),
      intParam(req.query.limit, POSTS_PER_PAGE, 100),
    );
    res.json({
      posts: page.posts.map(postJson),
      tags: page.tags,
      page: page.page,
      perPage: page.perPage,
      total: page.total,
      totalIsExact: page.totalIsExact,
    });
  };
  const apiShow: RequestHandler = async (req, res) => {
    res.json(postJson(await posts.find(idOf(req))));
  };
  const apiUpdate: RequestHandler = async (req, res) => {
    const post = await posts.updateTags(
      idOf(req),
      (req.body as { tagString?: unknown } | undefined)?.tagString,
    );
    res.json(postJson(post));
  };

  const confirmDelete: RequestHandler = async (req, res) => {
    sendPage(req, res, deletePostConfirmPage(await posts.find(idOf(req))));
  };
  const destroy: RequestHandler = async (req, res) => {
    const id = idOf(req);
    // Checked before the redirect, which would otherwise send a bad id on to /posts/NaN/....
    if (!isRecordId(id)) throw new NotFoundError(`no post ${String(req.params.id)}`);
    if (!confirmed(req)) {
      res.redirect(303, `/posts/${id}/delete/confirm`);
      return;
    }
    const { marked } = await posts.markForDeletion(id, moderatorId(res));
    flash(req, 'notice', marked ? `Post #${id} is being deleted` : `Post #${id} was already being deleted`);
    res.redirect(303, `/posts/${id}`);
  };
  const apiDestroy: RequestHandler = async (req, res) => {
    if (!confirmed(req))
      throw new ValidationError({
        confirmed: 'deleting a post cannot be undone: send {"confirmed": true} to go ahead',
      });
    res.status(202).json(await posts.markForDeletion(idOf(req), moderatorId(res)));
  };

  return { index, show, edit, updateTags, apiIndex, apiShow, apiUpdate, confirmDelete, destroy, apiDestroy };
}
