/**
 * The mod-action audit log: one row per moderation act (Danbooru's ModAction), written by the code
 * that performs the act, inside the same transaction when the act and its record must agree.
 *
 * Steps: logModAction inserts one row; listModActions reads the newest first, optionally for one
 * subject (e.g. every action of bulk update request 12) or category.
 *
 * Example:
 *   await logModAction(tx, {
 *     creatorId: approver.id, category: 'tag_alias_create', description: 'created tag alias [[a]] -> [[b]]',
 *     subject: { type: 'BulkUpdateRequest', id: 12 },
 *   });
 *   await listModActions(prisma(), { subject: { type: 'BulkUpdateRequest', id: 12 } });
 */
import type { AppPrismaClient } from './client';
import type { ModActionCategory } from './generated/enums';

type ModActionClient = Pick<AppPrismaClient, 'modAction'>;

/** What an action was about: a model name and a record id. */
export interface ModActionSubject {
  type: string;
  id: number;
}

export interface ModActionInput {
  /** Who did it; null for the system. */
  creatorId: number | null;
  category: ModActionCategory;
  /** One line a moderator reads, Danbooru style: `created tag alias [[a]] -> [[b]]`. */
  description: string;
  subject?: ModActionSubject;
}

export async function logModAction(client: ModActionClient, action: ModActionInput): Promise<void> {
  await client.modAction.create({
    data: {
      creatorId: action.creatorId,
      category: action.category,
      description: action.description,
      subjectType: action.subject?.type ?? null,
      subjectId: action.subject?.id ?? null,
    },
    select: { id: true },
  });
}

export interface ModActionFilter {
  subject?: ModActionSubject;
  category?: ModActionCategory;
  /** @defaultValue 100 */
  limit?: number;
}

/** Newest first. */
export async function listModActions(client: ModActionClient, filter: ModActionFilter = {}) {
  return client.modAction.findMany({
    where: {
      ...(filter.subject ? { subjectType: filter.subject.type, subjectId: filter.subject.id } : {}),
      ...(filter.category ? { category: filter.category } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: filter.limit ?? 100,
  });
}
