/**
 * Tag aliases and implications for the web app: lists with their status (Danbooru's
 * /tag_aliases and /tag_implications), filtered by status and by a tag name either side.
 *
 * Example: await relationships.list('alias', { status: 'active', name: 'long_hair' }, 1)
 */
import type { AppPrismaClient } from '../../db/client';
import type { TagRelationshipStatus } from '../../db/generated/enums';
import { normalizeTagName } from '../../services/bulk-update-request/index';
import { ValidationError } from '../errors';

export const RELATIONSHIP_STATUSES: readonly TagRelationshipStatus[] = [
  'active',
  'pending',
  'processing',
  'deleted',
  'retired',
];
export type RelationshipKind = 'alias' | 'implication';

/** Rows on one page of a list. @defaultValue 50 */
export const RELATIONSHIPS_PER_PAGE = 50;

export interface RelationshipSearch {
  status?: string;
  /** A tag name, matched on either side (antecedent or consequent); `*` matches anything. */
  name?: string;
}

const user = { select: { id: true, name: true } } as const;
const select = {
  id: true,
  antecedentName: true,
  consequentName: true,
  status: true,
  createdAt: true,
  updatedAt: true,
  creator: user,
  approver: user,
} as const;

/** A `*` pattern as a Prisma string filter: exact, prefix, suffix or contains. */
function nameFilter(
  pattern: string,
): { equals: string } | { startsWith: string } | { endsWith: string } | { contains: string } {
  const parts = pattern.split('*');
  const inner = parts.filter(Boolean);
  if (parts.length === 1) return { equals: pattern };
  if (inner.length === 0) return { contains: '' };
  if (parts.length === 2 && parts[1] === '') return { startsWith: parts[0] ?? '' };
  if (parts.length === 2 && parts[0] === '') return { endsWith: parts[1] ?? '' };
  return { contains: inner.sort((a, b) => b.length - a.length)[0] ?? '' };
}

export class TagRelationshipsService {
  constructor(private readonly db: AppPrismaClient) {}

  async list(kind: RelationshipKind, search: RelationshipSearch, page = 1, perPage = RELATIONSHIPS_PER_PAGE) {
    const status = search.status?.trim() || undefined;
    if (status !== undefined && !(RELATIONSHIP_STATUSES as readonly string[]).includes(status)) {
      throw new ValidationError({ status: `Status is one of ${RELATIONSHIP_STATUSES.join(', ')}` });
    }
    const name = search.name?.trim() ? normalizeTagName(search.name.trim()) : undefined;
    const where = {
      ...(status ? { status: status as TagRelationshipStatus } : {}),
      ...(name ? { OR: [{ antecedentName: nameFilter(name) }, { consequentName: nameFilter(name) }] } : {}),
    };
    const current = Number.isInteger(page) && page >= 1 ? page : 1;
    const args = {
      where,
      orderBy: { id: 'desc' as const },
      skip: (current - 1) * perPage,
      take: perPage,
      select,
    };
    const [rows, total] =
      kind === 'alias'
        ? await Promise.all([this.db.tagAlias.findMany(args), this.db.tagAlias.count({ where })])
        : await Promise.all([this.db.tagImplication.findMany(args), this.db.tagImplication.count({ where })]);
    return { rows, total, page: current, perPage, search: { status, name } };
  }
}
