/**
 * `update QUERY -> EDITS` (mass update): for every post that has each query tag and none of the
 * `-tag`s, add the edit's tags and remove its `-tag`s, in chunks (post-tags.ts).
 *
 * Steps:
 *   1. the edits go through the shared tag rules (app/services/tags/tag-edit.ts, as a post edit and
 *      an upload do): live aliases redirect, every tag an added tag implies (transitively) is
 *      added except tags the edit removes (an explicit `-tag` wins over an implied one: the
 *      rules cannot see each post's other tags here), and adding a deprecated tag or an invalid
 *      new name fails the line with the rule's message (deprecated since validation);
 *   2. the query's names go through live aliases too (searches resolve aliases); a required tag
 *      that does not exist matches no post (nothing to do); the required tag with the fewest
 *      posts drives the scan (its (tag_id, post_id) index range); excluded and removed tags that
 *      do not exist are dropped;
 *   3. added tags are created when missing;
 *   4. only posts the edit changes are touched, so a resumed line finds only the rest.
 * Mod action mass_update: "mass updated {query} -> {edits}".
 *
 * Example: const finish = await massUpdate(ctx, { include: ['cat'], exclude: ['dog'] }, { add: ['pet'], remove: ['stray'] })
 */
import type { PostQuery, TagEdits } from '../types';
import { ensureTags, liveAliasTargets, lookupTags } from '../../../db/tag.repository';
import { resolveTagEdit, TagEditError } from '../../tags/tag-edit';
import { BurCommandError, type CommandContext, type Finish } from './context';
import { changePostsInChunks } from './post-tags';

export function describeMassUpdate(query: PostQuery, edits: TagEdits): string {
  const left = [...query.include, ...query.exclude.map((name) => `-${name}`)].join(' ');
  const right = [...edits.add, ...edits.remove.map((name) => `-${name}`)].join(' ');
  return `mass updated ${left} -> ${right}`;
}

/** The edits through the shared tag rules; a refused tag fails the line with the rule's message. */
async function resolveEdits(
  ctx: CommandContext,
  edits: TagEdits,
): Promise<{ add: string[]; remove: string[] }> {
  try {
    return await resolveTagEdit(ctx.db, { add: edits.add, remove: edits.remove });
  } catch (error) {
    if (error instanceof TagEditError) throw new BurCommandError(error.message);
    throw error;
  }
}

export async function massUpdate(ctx: CommandContext, query: PostQuery, edits: TagEdits): Promise<Finish> {
  const finish: Finish = () =>
    Promise.resolve({ category: 'mass_update', description: describeMassUpdate(query, edits) });
  const aliases = await liveAliasTargets(ctx.db, [...query.include, ...query.exclude]);
  const resolve = (names: readonly string[]) => [...new Set(names.map((name) => aliases.get(name) ?? name))];
  const include = resolve(query.include);
  const exclude = resolve(query.exclude);
  const { add: added, remove } = await resolveEdits(ctx, edits);

  const known = await lookupTags(ctx.db, [...include, ...exclude, ...remove]);
  const required = include.map((name) => known.get(name));
  if (required.some((tag) => tag === undefined)) return finish;
  const drivers = required.flatMap((tag) => (tag ? [tag] : [])).sort((a, b) => a.postCount - b.postCount);
  const driver = drivers[0];
  if (!driver) return finish;
  const addIds = await ensureTags(ctx.db, added);
  const idsOf = (names: readonly string[]) =>
    names.flatMap((name) => (known.get(name) ? [known.get(name)?.id ?? 0] : []));
  await changePostsInChunks(
    ctx,
    { driver: driver.id, include: drivers.slice(1).map((tag) => tag.id), exclude: idsOf(exclude) },
    { add: added.map((name) => addIds.get(name) ?? 0).filter((id) => id > 0), remove: idsOf(remove) },
  );
  return finish;
}
