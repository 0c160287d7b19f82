/**
 * A request's approval level as the database stands now (policy.ts has the rules): every line of
 * its script that parses, with the tags those lines name read in one lookup. Danbooru computes it
 * over all of a request's commands when the approver acts; so does approveBur, and the request
 * page uses it to show the approve button only to those who may press it.
 *
 * Example: await requestApprovalLevel(createTagRepository(prisma()), 'alias small_artist -> new_name')   // 'builder'
 */
import type { UserLevel } from '../../db/generated/enums';
import type { TagReadRepository } from '../../db/tag.repository';
import { approvalLevel } from './policy';
import { parseScript } from './script-parser';
import { commandTagNames } from './script-validator';

export async function requestApprovalLevel(
  repository: TagReadRepository,
  script: string,
): Promise<UserLevel> {
  const { lines } = parseScript(script);
  const names = [...new Set(lines.flatMap((line) => commandTagNames(line.command)))];
  const tags = await repository.findTags(names);
  return approvalLevel(lines, new Map(tags.map((tag) => [tag.name, tag])));
}
