/**
 * The tag state a script's earlier lines leave behind, as the validator sees it: the database
 * (read through TagReadRepository) with the effects of the lines validated so far laid over it.
 * Nothing is written anywhere; the state lives only for one validation.
 *
 * Steps:
 *   1. load(names) reads, for names not read before, their tags, live aliases and live
 *      implications (three queries). A relationship whose other end was read earlier is skipped:
 *      its state is already known, possibly changed by an earlier line.
 *   2. Queries (tag, aliasOf, aliasesTo, implies, impliedBy, implicationPath) answer from memory.
 *   3. Mutations apply a valid line's effect, the way processing applies it: createAlias and
 *      rename move the tag (moveTag: its post count, aliases pointing at it, implications from and
 *      to it, as Danbooru's TagMover does), nuke empties a tag and drops its implications, and so on.
 *
 * Post counts are estimates once a line has moved posts (a moved count is added without knowing
 * the overlap; a mass update adds the smallest count among its required tags); they serve the
 * rename limit only.
 *
 * Example:
 *   const state = new ScriptState(createTagRepository(prisma()));
 *   await state.load(['a', 'b']);
 *   state.createAlias('a', 'b');
 *   state.aliasOf('a')   // 'b'
 */
import type { TagReadRepository, TagSnapshot } from '../../db/tag.repository';
import type { TagCategoryName } from './types';

/** A tag as the script sees it at some line. */
export interface TagState {
  name: string;
  category: TagCategoryName;
  postCount: number;
  isDeprecated: boolean;
}

/** Most tags an implication path search visits before giving up (it then reports no path). */
export const MAX_IMPLICATION_SEARCH = 10_000;

export class ScriptState {
  private readonly loaded = new Set<string>();
  /** name -> tag, or null when no such tag exists. Only loaded names are keys. */
  private readonly tags = new Map<string, TagState | null>();
  /** Live aliases: antecedent -> consequent. */
  private readonly aliases = new Map<string, string>();
  /** Live implications: antecedent -> consequents. */
  private readonly implications = new Map<string, Set<string>>();

  constructor(private readonly repository: TagReadRepository) {}

  /** Reads what the database knows about `names` (once per name). */
  async load(names: Iterable<string>): Promise<void> {
    const fresh = [...new Set(names)].filter((name) => !this.loaded.has(name));
    if (fresh.length === 0) return;
    const [tags, aliases, implications] = await Promise.all([
      this.repository.findTags(fresh),
      this.repository.findLiveAliases(fresh),
      this.repository.findLiveImplications(fresh),
    ]);
    const known = new Set(this.loaded);
    for (const name of fresh) {
      this.loaded.add(name);
      this.tags.set(name, null);
    }
    for (const tag of tags) if (!known.has(tag.name)) this.tags.set(tag.name, snapshot(tag));
    for (const { antecedentName: a, consequentName: b } of aliases) {
      if (!known.has(a) && !known.has(b)) this.aliases.set(a, b);
    }
    for (const { antecedentName: a, consequentName: b } of implications) {
      if (!known.has(a) && !known.has(b)) this.addImplication(a, b);
    }
  }

  /** Posts in the database carrying at least one of `names` (earlier lines not applied). */
  countPostsWithAny(names: readonly string[]): Promise<number> {
    return this.repository.countPostsWithAny(names);
  }

  /** The tag, or undefined when it does not exist (at this point of the script). */
  tag(name: string): TagState | undefined {
    return this.tags.get(name) ?? undefined;
  }

  aliasOf(antecedent: string): string | undefined {
    return this.aliases.get(antecedent);
  }

  /** Antecedents of the live aliases to `consequent`. */
  aliasesTo(consequent: string): string[] {
    return [...this.aliases].filter(([, b]) => b === consequent).map(([a]) => a);
  }

  implies(antecedent: string, consequent: string): boolean {
    return this.implications.get(antecedent)?.has(consequent) ?? false;
  }

  /** Tags `name` directly implies. */
  impliedBy(name: string): string[] {
    return [...(this.implications.get(name) ?? [])];
  }

  /** Tags that directly imply `name`. */
  implying(name: string): string[] {
    return [...this.implications].filter(([, consequents]) => consequents.has(name)).map(([a]) => a);
  }

  /**
   * A chain of live implications from `from` to `to` ([from, ..., to], at least two names), or
   * undefined. `skip` leaves one direct implication out (to ask "is there another way?").
   * Breadth-first, loading each layer of names as it goes.
   */
  async implicationPath(from: string, to: string, skip?: [string, string]): Promise<string[] | undefined> {
    const parent = new Map<string, string>([[from, from]]);
    let frontier = [from];
    while (frontier.length > 0 && parent.size < MAX_IMPLICATION_SEARCH) {
      await this.load(frontier);
      const next: string[] = [];
      for (const name of frontier) {
        for (const consequent of this.impliedBy(name)) {
          if (skip && name === skip[0] && consequent === skip[1]) continue;
          if (parent.has(consequent)) continue;
          parent.set(consequent, name);
          if (consequent === to) return pathTo(parent, to);
          next.push(consequent);
        }
      }
      frontier = next;
    }
    return undefined;
  }

  // --- effects of valid lines --------------------------------------------------------------

  createAlias(antecedent: string, consequent: string): void {
    this.aliases.set(antecedent, consequent);
    this.moveTag(antecedent, consequent);
  }

  removeAlias(antecedent: string): void {
    this.aliases.delete(antecedent);
  }

  /** As processing does, a new consequent tag exists afterwards (a later line may categorize it). */
  createImplication(antecedent: string, consequent: string): void {
    this.ensureTag(consequent);
    this.addImplication(antecedent, consequent);
  }

  removeImplication(antecedent: string, consequent: string): void {
    this.implications.get(antecedent)?.delete(consequent);
  }

  rename(from: string, to: string): void {
    this.moveTag(from, to);
  }

  /** Tags a mass update adds exist afterwards; their counts grow by at most `matched` posts. */
  massUpdate(added: readonly string[], removed: readonly string[], matched: number): void {
    for (const name of added) {
      const tag = this.ensureTag(name);
      tag.postCount += matched;
    }
    for (const name of removed) {
      const tag = this.tag(name);
      if (tag) tag.postCount = Math.max(0, tag.postCount - matched);
    }
  }

  changeCategory(name: string, category: TagCategoryName): void {
    const tag = this.tag(name);
    if (tag) tag.category = category;
  }

  nuke(name: string): void {
    const tag = this.tag(name);
    if (tag) tag.postCount = 0;
    this.implications.delete(name);
    for (const consequents of this.implications.values()) consequents.delete(name);
  }

  /**
   * Deprecating also takes out of force the aliases to the tag and its implications both ways
   * (Danbooru's deprecate command); undeprecating restores none of them.
   */
  setDeprecated(name: string, isDeprecated: boolean): void {
    this.ensureTag(name).isDeprecated = isDeprecated;
    if (!isDeprecated) return;
    for (const antecedent of this.aliasesTo(name)) this.aliases.delete(antecedent);
    this.implications.delete(name);
    for (const consequents of this.implications.values()) consequents.delete(name);
  }

  /**
   * Moves tag `from` onto `to` as alias and rename processing do: posts (counts), aliases that
   * pointed at `from`, and implications from and to `from` (dropping any that would become
   * self-implications). `to` exists afterwards.
   */
  private moveTag(from: string, to: string): void {
    const source = this.tag(from);
    const target = this.ensureTag(to, source?.category);
    if (source) {
      target.postCount += source.postCount;
      source.postCount = 0;
    }
    for (const antecedent of this.aliasesTo(from)) {
      if (antecedent === to) this.aliases.delete(antecedent);
      else this.aliases.set(antecedent, to);
    }
    for (const consequent of this.impliedBy(from)) {
      this.removeImplication(from, consequent);
      if (consequent !== to) this.addImplication(to, consequent);
    }
    for (const antecedent of this.implying(from)) {
      this.removeImplication(antecedent, from);
      if (antecedent !== to) this.addImplication(antecedent, to);
    }
  }

  private ensureTag(name: string, category: TagCategoryName = 'general'): TagState {
    const existing = this.tag(name);
    if (existing) return existing;
    const created: TagState = { name, category, postCount: 0, isDeprecated: false };
    this.tags.set(name, created);
    return created;
  }

  private addImplication(antecedent: string, consequent: string): void {
    const consequents = this.implications.get(antecedent) ?? new Set<string>();
    consequents.add(consequent);
    this.implications.set(antecedent, consequents);
  }
}

function snapshot(tag: TagSnapshot): TagState {
  return { name: tag.name, category: tag.category, postCount: tag.postCount, isDeprecated: tag.isDeprecated };
}

function pathTo(parent: ReadonlyMap<string, string>, to: string): string[] {
  const path = [to];
  let current = to;
  while (parent.get(current) !== current) {
    current = parent.get(current) ?? current;
    path.unshift(current);
    if (path.length > parent.size) break;
  }
  return path;
}
