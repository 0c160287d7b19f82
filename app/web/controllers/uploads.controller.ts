/**
 * Uploads: the form, receiving it (the file was stored by middleware/upload-intake.ts), one
 * upload's page and its live status fragment, and the JSON twins under /api/uploads.
 *
 * Example: POST /api/uploads (multipart: file, tagString, rating; X-CSRF-Token) -> 202 { id, status: 'pending', url }
 */
import type { Request, RequestHandler, Response } from 'express';
import { NotFoundError, ValidationError } from '../errors';
import type { CurrentUser } from '../middleware/current-user';
import { flash } from '../middleware/respond';
import type { UploadsService, UploadView } from '../services/uploads.service';
import { newUploadPage, uploadPage, uploadStatusSection } from '../views/uploads.views';
import { sendFragment, sendPage } from '../views/render';

export function uploadJson(upload: UploadView) {
  return {
    id: upload.id,
    status: upload.status,
    errorMessage: upload.errorMessage,
    postId: upload.postId,
    tagString: upload.tagString,
    rating: upload.rating,
    createdAt: upload.createdAt,
    url: `/uploads/${upload.id}`,
  };
}

function signedIn(res: Response): CurrentUser {
  const user = res.locals.currentUser;
  if (!user) throw new NotFoundError('uploads run after requireSignIn');
  return user;
}

function formInput(req: Request) {
  const body = (req.body ?? {}) as { tagString?: unknown; rating?: unknown };
  return { file: req.file?.path, tagString: body.tagString, rating: body.rating };
}

export function uploadsController(uploads: UploadsService) {
  const idOf = (req: Request) => Number(req.params.id);

  const form: RequestHandler = (req, res) => {
    sendPage(req, res, newUploadPage());
  };
  const create: RequestHandler = async (req, res) => {
    const input = formInput(req);
    try {
      const upload = await uploads.create(signedIn(res), input);
      res.locals.uploadClaimed = true;
      flash(req, 'notice', `Upload #${upload.id} received`);
      res.redirect(303, `/uploads/${upload.id}`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(422);
      sendPage(
        req,
        res,
        newUploadPage({
          tagString: typeof input.tagString === 'string' ? input.tagString : '',
          rating: typeof input.rating === 'string' ? input.rating : undefined,
          errors: error.fields,
        }),
      );
    }
  };
  const show: RequestHandler = async (req, res) => {
    sendPage(req, res, uploadPage(await uploads.find(res.locals.currentUser, idOf(req))));
  };
  const status: RequestHandler = async (req, res) => {
    const upload = await uploads.find(res.locals.currentUser, idOf(req));
    sendFragment(req, res, (ctx) => uploadStatusSection(ctx, upload));
  };

  const apiCreate: RequestHandler = async (req, res) => {
    const upload = await uploads.create(signedIn(res), formInput(req));
    res.locals.uploadClaimed = true;
    res.status(202).location(`/api/uploads/${upload.id}`).json(uploadJson(upload));
  };
  const apiShow: RequestHandler = async (req, res) => {
    res.json(uploadJson(await uploads.find(res.locals.currentUser, idOf(req))));
  };

  return { form, create, show, status, apiCreate, apiShow };
}
