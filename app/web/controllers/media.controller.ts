/**
 * A post's image files (GET /data/posts/:id/:file): the original, the sample and the thumbnail,
 * from the storage root (app/services/posts/post-files.ts). Any other name, or a file not on disk,
 * is a 404; the files never change once written, so browsers may keep them a day.
 *
 * Example: GET /data/posts/12/thumbnail.webp -> 200 image/webp
 */
import type { RequestHandler } from 'express';
import { postFileForUrl } from '../../services/posts/post-files';
import { NotFoundError } from '../errors';

export function mediaController(storageRoot: string) {
  const show: RequestHandler = (req, res, next) => {
    const id = Number(req.params.id);
    const name = String(req.params.file);
    const path = Number.isSafeInteger(id) && id > 0 ? postFileForUrl(storageRoot, id, name) : undefined;
    if (!path) return next(new NotFoundError(`no file ${name} of post ${String(req.params.id)}`));
    res.sendFile(path, { maxAge: '1d', dotfiles: 'deny' }, (error?: Error) => {
      if (!error) return;
      if (res.headersSent) return next(error);
      next(new NotFoundError(`no file ${name} of post ${id}`));
    });
  };
  return { show };
}
