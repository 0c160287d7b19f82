/**
 * `update QUERY -> EDITS` (mass update): for every post that has each query tag and none of the
 * `-tag`s, add the edit's tags and remove its `-tag`s, in chunks (post-tags.ts).
 *
 * Steps:
 *   1. names go through live aliases first (a post is never given an aliased-away tag, as
 *      Danbooru's tag normalization does on save);
 *   2. the query: a required tag that does not exist matches no post (nothing to do); the
 *      required tag with the fewest posts drives the scan (its (tag_id, post_id) index range);
 *      excluded and removed tags that do not exist are dropped;
 *   3. added tags: created when missing, plus every tag they imply (transitively), except tags
 *      the edit removes: an explicit `-tag` wins over an implied one;
 *   4. only posts the edit changes are touched, so a resumed line finds only the rest.
 * Mod action mass_update: "mass updated {query} -> {edits}".
 *
 * Example: const finish = await massUpdate(ctx, { include: ['cat'], exclude: ['dog'] }, { add: ['pet'], remove: ['stray'] })
 */
import type { PostQuery, TagEdits } from '../types';
import { type CommandContext, type Finish } from './context';
import { changePostsInChunks, ensureTags, findTags, withImpliedTags } from './post-tags';

/** Live alias targets of `names`: antecedent -> consequent. */
async function aliasTargets(ctx: CommandContext, names: readonly string[]): Promise<Map<string, string>> {
  const rows = await ctx.db.$queryRawUnsafe<Array<{ antecedent_name: string; consequent_name: string }>>(
    `SELECT antecedent_name, consequent_name FROM tag_aliases
     WHERE antecedent_name = ANY($1::text[]) AND status IN ('active', 'processing')`,
    [...new Set(names)],
  );
  return new Map(rows.map((row) => [row.antecedent_name, row.consequent_name]));
}

export function describeMassUpdate(query: PostQuery, edits: TagEdits): string {
  const left = [...query.include, ...query.exclude.map((name) => `-${name}`)].join(' ');
  const right = [...edits.add, ...edits.remove.map((name) => `-${name}`)].join(' ');
  return `mass updated ${left} -> ${right}`;
}

export async function massUpdate(ctx: CommandContext, query: PostQuery, edits: TagEdits): Promise<Finish> {
  const finish: Finish = () =>
    Promise.resolve({ category: 'mass_update', description: describeMassUpdate(query, edits) });
  const aliases = await aliasTargets(ctx, [
    ...query.include,
    ...query.exclude,
    ...edits.add,
    ...edits.remove,
  ]);
  const resolve = (names: readonly string[]) => [...new Set(names.map((name) => aliases.get(name) ?? name))];
  const include = resolve(query.include);
  const exclude = resolve(query.exclude);
  const remove = resolve(edits.remove);
  const added = (await withImpliedTags(ctx.db, resolve(edits.add))).filter((name) => !remove.includes(name));

  const known = await findTags(ctx.db, [...include, ...exclude, ...remove]);
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
