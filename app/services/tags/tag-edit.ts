/**
 * Danbooru's tag rules for one tag edit, in the one place every path that changes tags goes
 * through: a post edit (app/web/services/posts.service.ts), a new post from an upload
 * (app/services/uploads/post-creation.ts) and a BUR mass update
 * (app/services/bulk-update-request/commands/mass-update.ts). It reads the database and decides;
 * the caller writes (setPostTags / writePostTags keep tags.post_count right, the BUR chunk
 * statements move counts with the rows).
 *
 * Steps of resolveTagEdit(db, { add, remove, current }), after Danbooru's PostEdit:
 *   1. normalize every name (NFC, lower case) and drop duplicates;
 *   2. aliases: added and removed names go through live aliases (TagAlias.to_aliased: an alias is a
 *      permanent redirect); a name both added and removed is added;
 *   3. names: an added tag that does not exist must be a valid new tag name, one that exists a
 *      valid name at all (TagEditError naming the rule's message);
 *   4. deprecated: adding a deprecated tag is refused with Danbooru's text "The following tags are
 *      deprecated and could not be added: [[a]]" (Danbooru drops them with that warning; here the
 *      edit is refused so nothing is silently lost). A post that already has one keeps it;
 *   5. implications: every tag the resulting tags imply, transitively. With `current` (the post's
 *      tags: a post edit or an upload) the final list is current - remove + add plus everything it
 *      implies, so a removed tag that a kept tag implies stays (Danbooru re-adds it). Without
 *      `current` (a mass update, many posts at once) the added tags' implications are added and an
 *      explicit removal wins over an implied tag.
 *
 * Example:
 *   // active alias aaa -> bbb, implication bbb -> ccc
 *   await resolveTagEdit(db, { current: ['x'], add: ['AAA'], remove: [] })
 *   // { tags: ['bbb', 'ccc', 'x'], add: ['bbb', 'ccc'], remove: [], aliased: Map { 'aaa' => 'bbb' } }
 */
import { liveAliasTargets, lookupTags, withImpliedTags, type RawTagClient } from '../../db/tag.repository';
import { checkTagName, normalizeTagName, type TagNameRule } from '../bulk-update-request/tag-name';

/** Why an edit was refused: an invalid name or a deprecated tag, with the tags concerned. */
export class TagEditError extends Error {
  override name = 'TagEditError';
  constructor(
    message: string,
    readonly rule: TagNameRule | 'deprecated',
    readonly tags: readonly string[],
  ) {
    super(message);
  }
}

export interface TagEditInput {
  /** Tags the edit adds (as typed: normalized here). */
  add: readonly string[];
  /** Tags the edit removes. */
  remove?: readonly string[];
  /** The post's tags before the edit ([] for a new post); omitted for an edit of many posts. */
  current?: readonly string[];
}

export interface ResolvedTagEdit {
  /** Tags to add: aliased, valid, not deprecated, with their implications; sorted. */
  add: string[];
  /** Tags to remove; sorted. */
  remove: string[];
  /** The post's tags after the edit, sorted; null without `current`. */
  tags: string[] | null;
  /** Names the edit gave that live aliases redirected: antecedent -> consequent. */
  aliased: Map<string, string>;
}

/** Danbooru's to_sentence over wiki links: "[[a]]", "[[a]] and [[b]]", "[[a]], [[b]], and [[c]]". */
export function linkSentence(names: readonly string[]): string {
  const links = names.map((name) => `[[${name}]]`);
  if (links.length <= 2) return links.join(' and ');
  return `${links.slice(0, -1).join(', ')}, and ${links[links.length - 1] ?? ''}`;
}

function unique(names: Iterable<string>): string[] {
  return [...new Set(names)];
}

function sorted(names: Iterable<string>): string[] {
  return unique(names).sort();
}

export async function resolveTagEdit(db: RawTagClient, input: TagEditInput): Promise<ResolvedTagEdit> {
  const requestedAdd = unique(input.add.map(normalizeTagName));
  const requestedRemove = unique((input.remove ?? []).map(normalizeTagName));
  const current = input.current ? unique(input.current) : null;

  const aliased = await liveAliasTargets(db, [...requestedAdd, ...requestedRemove]);
  const redirect = (name: string) => aliased.get(name) ?? name;
  const add = unique(requestedAdd.map(redirect));
  const remove = unique(requestedRemove.map(redirect)).filter((name) => !add.includes(name));

  const had = new Set(current ?? []);
  const fresh = add.filter((name) => !had.has(name));
  const known = await lookupTags(db, fresh);
  for (const name of fresh) {
    const problem = checkTagName(name, known.has(name) ? 'existing' : 'new');
    if (problem) throw new TagEditError(problem.message, problem.rule, [name]);
  }
  const deprecated = fresh.filter((name) => known.get(name)?.isDeprecated === true).sort();
  if (deprecated.length > 0) {
    throw new TagEditError(
      `The following tags are deprecated and could not be added: ${linkSentence(deprecated)}`,
      'deprecated',
      deprecated,
    );
  }

  if (current === null) {
    const implied = await withImpliedTags(db, add);
    return {
      add: sorted(implied.filter((name) => !remove.includes(name))),
      remove: sorted(remove),
      tags: null,
      aliased,
    };
  }
  const kept = [...current.filter((name) => !remove.includes(name)), ...add];
  const tags = sorted(await withImpliedTags(db, kept));
  const final = new Set(tags);
  return {
    add: tags.filter((name) => !had.has(name)),
    remove: sorted(current.filter((name) => !final.has(name))),
    tags,
    aliased,
  };
}
