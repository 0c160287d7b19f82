/**
 * Tags: search and show (HTML) and the same as JSON under /api/tags; aliases and implications
 * lists (HTML and /api). Everyone reads.
 *
 * Example: GET /api/tags?name=*_hair&order=count -> { tags: [...], total, page, perPage }
 */
import type { Request, RequestHandler } from 'express';
import { intParam, stringParam } from '../middleware/respond';
import type { TagsService, TagSearch } from '../services/tags.service';
import type { RelationshipKind, TagRelationshipsService } from '../services/tag-relationships.service';
import { relationshipsPage } from '../views/tag-relationships.views';
import { tagPage, tagsPage } from '../views/tags.views';
import { sendPage } from '../views/render';

function tagSearch(req: Request): TagSearch {
  const hide = stringParam(req.query.hideEmpty);
  return {
    name: stringParam(req.query.name),
    category: stringParam(req.query.category),
    order: stringParam(req.query.order),
    hideEmpty: hide === '1' || hide === 'true',
  };
}

export function tagsController(tags: TagsService, relationships: TagRelationshipsService) {
  const index: RequestHandler = async (req, res) => {
    sendPage(req, res, tagsPage(await tags.search(tagSearch(req), intParam(req.query.page, 1))));
  };
  const show: RequestHandler = async (req, res) => {
    sendPage(req, res, tagPage(await tags.find(String(req.params.id))));
  };
  const apiIndex: RequestHandler = async (req, res) => {
    const result = await tags.search(
      tagSearch(req),
      intParam(req.query.page, 1),
      intParam(req.query.limit, 50, 500),
    );
    res.json({ tags: result.tags, total: result.total, page: result.page, perPage: result.perPage });
  };
  const apiShow: RequestHandler = async (req, res) => {
    res.json(await tags.find(String(req.params.id)));
  };

  const relationshipSearch = (req: Request) => ({
    status: stringParam(req.query.status),
    name: stringParam(req.query.name),
  });
  const list =
    (kind: RelationshipKind): RequestHandler =>
    async (req, res) => {
      sendPage(
        req,
        res,
        relationshipsPage(
          kind,
          await relationships.list(kind, relationshipSearch(req), intParam(req.query.page, 1)),
        ),
      );
    };
  const apiList =
    (kind: RelationshipKind): RequestHandler =>
    async (req, res) => {
      const result = await relationships.list(
        kind,
        relationshipSearch(req),
        intParam(req.query.page, 1),
        intParam(req.query.limit, 50, 500),
      );
      res.json({
        [kind === 'alias' ? 'aliases' : 'implications']: result.rows,
        total: result.total,
        page: result.page,
        perPage: result.perPage,
      });
    };

  return {
    index,
    show,
    apiIndex,
    apiShow,
    aliases: list('alias'),
    implications: list('implication'),
    apiAliases: apiList('alias'),
    apiImplications: apiList('implication'),
  };
}
