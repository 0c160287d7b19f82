/** Tags, aliases and implications: everyone reads (pages and /api). */
import { Router } from 'express';
import { tagsController } from '../controllers/tags.controller';
import type { TagRelationshipsService } from '../services/tag-relationships.service';
import type { TagsService } from '../services/tags.service';

export function tagsRoutes(tags: TagsService, relationships: TagRelationshipsService): Router {
  const c = tagsController(tags, relationships);
  return Router()
    .get('/tags', c.index)
    .get('/tags/:id', c.show)
    .get('/tag_aliases', c.aliases)
    .get('/tag_implications', c.implications)
    .get('/api/tags', c.apiIndex)
    .get('/api/tags/:id', c.apiShow)
    .get('/api/tag_aliases', c.apiAliases)
    .get('/api/tag_implications', c.apiImplications);
}
