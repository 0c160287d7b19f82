/**
 * The bulk update requests' JSON API under /api/bulk_update_requests: list, show, create and
 * update (201/200 with the request, whether every line is valid and the bad lines; 422 for a
 * script refused as a whole), approve (202 with the job id) and reject.
 *
 * Example: POST /api/bulk_update_requests {"script":"alias a -> b","title":"A"} -> 201 { bur, valid, errors }
 */
import type { Request, RequestHandler, Response } from 'express';
import { BurValidationError } from '../../services/bulk-update-request/approval';
import type { ScriptCheck } from '../../services/bulk-update-request/index';
import { intParam, stringParam } from '../middleware/respond';
import type { BursService } from '../services/burs.service';
import { burJson, validationJson } from './bur-json';
import { body, checkedLines, idOf, signedIn } from './bur-request';

export function bursApiController(burs: BursService) {
  const apiIndex: RequestHandler = async (req, res) => {
    const userId = intParam(req.query.userId, 0);
    const result = await burs.list(
      { status: stringParam(req.query.status), ...(userId ? { userId } : {}) },
      intParam(req.query.page, 1),
      intParam(req.query.limit, 25, 200),
    );
    res.json({
      bulkUpdateRequests: result.burs,
      total: result.total,
      page: result.page,
      perPage: result.perPage,
    });
  };

  const apiShow: RequestHandler = async (req, res) => {
    res.json(burJson(await burs.find(idOf(req))));
  };

  const apiWrite = (
    work: (req: Request, res: Response) => Promise<{ bur: { id: number }; check: ScriptCheck }>,
    status: number,
  ): RequestHandler => {
    return async (req, res) => {
      try {
        const { bur, check } = await work(req, res);
        res.status(status).json({
          bur: burJson(await burs.find(bur.id)),
          valid: check.ok,
          errors: checkedLines(check).filter((l) => l.error !== null),
        });
      } catch (error) {
        if (!(error instanceof BurValidationError)) throw error;
        res.status(422).json(validationJson(error));
      }
    };
  };

  const apiCreate = apiWrite((req, res) => burs.create(signedIn(res), body(req)), 201);
  const apiUpdate = apiWrite((req, res) => burs.update(idOf(req), signedIn(res), body(req)), 200);

  const apiApprove: RequestHandler = async (req, res) => {
    try {
      const { bur, jobId, resumed } = await burs.approve(idOf(req), signedIn(res));
      res.status(202).json({ id: bur.id, status: bur.status, jobId, resumed });
    } catch (error) {
      if (!(error instanceof BurValidationError)) throw error;
      res.status(422).json(validationJson(error));
    }
  };

  const apiReject: RequestHandler = async (req, res) => {
    const bur = await burs.reject(idOf(req), signedIn(res));
    res.json({ id: bur.id, status: bur.status });
  };

  return { apiIndex, apiShow, apiCreate, apiUpdate, apiApprove, apiReject };
}
