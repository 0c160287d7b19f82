/**
 * The BUR script validator: checks parsed lines against the database and against the lines before
 * them, and reports every bad line. Reads through a TagReadRepository and writes nothing, so it
 * runs on create, on edit and again at approval (Danbooru validates in a rolled-back transaction;
 * here the earlier lines' effects live in a ScriptState in memory instead).
 *
 * Steps of checkScript(script, repository):
 *   1. parseScript: parse errors and script errors (limits, empty script).
 *   2. When the script is within its limits: read every name the script mentions at once
 *      (ScriptState.load), then validate the parsed lines in order. A valid line's effect is applied
 *      to the state, so later lines see it (`remove alias a -> b` after `create alias a -> b` is
 *      valid); a bad line changes nothing. Over the limits, only parse errors are reported: a huge
 *      script never costs one query per line.
 *   3. Merge parse and validation errors, sorted by line number (at most one per line).
 *
 * Rules, Danbooru's where it has them (messages name the tags involved). The context is Danbooru's
 * too: 'request' (create, edit) runs every rule; 'approval' skips those marked [request], as
 * Danbooru's commands do, so a request whose target changed harmlessly can still be approved and
 * its line then does nothing (processing: commands/):
 *   create alias A -> B   no live alias A -> B already [request]; A not already aliased elsewhere;
 *                         B not itself aliased (A -> B when B -> C exists names C: alias A -> C),
 *                         except to A: a live B -> A is reversed (deleted), as in Danbooru; B a
 *                         valid new tag name if B does not exist. Aliases to A are moved to B.
 *   remove alias A -> B   the live alias A -> B exists [request].
 *   create implication    not already there; neither tag aliased; no cycle (B does not already
 *                         imply A); not redundant (A does not imply B through other tags);
 *                         [request] both tags of one category, and for a general A: at least
 *                         MINIMUM_IMPLICATION_POSTS posts, at least 0.01 % of B's, and not more than
 *                         90 % of the posts with A or B (Danbooru's TagImplication, with its
 *                         messages; neither applies when either tag is empty). Danbooru's wiki
 *                         page requirement is left out: Backlot has no wiki.
 *   remove implication    the live implication exists [request].
 *   rename A -> B         A exists and has at most MAX_RENAME_POST_COUNT posts (else: use an alias);
 *                         B not aliased; B a valid new tag name if it does not exist.
 *   update Q -> E         tags it adds are not deprecated and are valid new tag names if new.
 *   category T -> C       T exists; T not already in C [request] (Danbooru's message).
 *   nuke T                T exists or has implications.
 *   deprecate T           T exists and is not deprecated [request]. Deprecating drops the aliases to
 *                         T and T's implications for later lines, as processing does.
 *   undeprecate T         T exists and is deprecated [request].
 *
 * Never throws on any script text; only a failing repository (database down) rejects.
 *
 * Example:
 *   const check = await checkScript('alias a -> b\nunalias a -> b', createTagRepository(prisma()));
 *   check.ok        // true
 *   check.lines     // two ScriptLines, in order: what the processing job runs
 */
import type { TagReadRepository } from '../../db/tag.repository';
import { parseScript } from './script-parser';
import { ScriptState } from './script-state';
import { checkTagName, displayTagName } from './tag-name';
import {
  MAX_RENAME_POST_COUNT,
  type BurCommand,
  type LineError,
  type ScriptCheck,
  type ScriptLine,
  type ValidationContext,
} from './types';

/** Fewest posts a general antecedent of a new implication has (Danbooru's MINIMUM_TAG_COUNT). @defaultValue 10 */
export const MINIMUM_IMPLICATION_POSTS = 10;
/** Smallest share of the consequent's posts the antecedent has (MINIMUM_TAG_PERCENTAGE). @defaultValue 0.0001 */
export const MINIMUM_IMPLICATION_SHARE = 0.0001;
/** Largest share of the posts with either tag the antecedent makes up (MAXIMUM_TAG_PERCENTAGE). @defaultValue 0.9 */
export const MAXIMUM_IMPLICATION_SHARE = 0.9;

/** Every tag name a command mentions. */
export function commandTagNames(command: BurCommand): string[] {
  switch (command.kind) {
    case 'createAlias':
    case 'removeAlias':
    case 'createImplication':
    case 'removeImplication':
      return [command.antecedent, command.consequent];
    case 'rename':
      return [command.from, command.to];
    case 'massUpdate':
      return [
        ...command.query.include,
        ...command.query.exclude,
        ...command.edits.add,
        ...command.edits.remove,
      ];
    case 'changeCategory':
    case 'nuke':
    case 'deprecate':
    case 'undeprecate':
      return [command.tag];
  }
}

const q = displayTagName;

/** The creation-rule failure of `name` if the line would create it (it does not exist yet). */
function newNameProblem(state: ScriptState, name: string): string | undefined {
  if (state.tag(name)) return undefined;
  const problem = checkTagName(name, 'new');
  return problem ? `${problem.message} (it would be a new tag)` : undefined;
}

/**
 * Danbooru's request-time implication checks (TagImplication#tag_categories_are_compatible and
 * #meets_tag_size_requirements), joined as Danbooru joins them: "Can't create implication
 * [[a]] -> [[b]] (reason; reason)". Undefined when they pass or either tag is empty.
 */
async function implicationRequestProblem(
  state: ScriptState,
  a: string,
  b: string,
): Promise<string | undefined> {
  const child = state.tag(a);
  const parent = state.tag(b);
  if (!child || !parent || child.postCount <= 0 || parent.postCount <= 0) return undefined;
  const problems: string[] = [];
  if (child.category !== parent.category)
    problems.push(`Can't imply a ${child.category} tag to a ${parent.category} tag`);
  if (child.category === 'general') {
    const share = MINIMUM_IMPLICATION_SHARE * parent.postCount;
    if (child.postCount < MINIMUM_IMPLICATION_POSTS)
      problems.push(`[[${a}]] must have at least ${MINIMUM_IMPLICATION_POSTS} posts`);
    else if (child.postCount < share) problems.push(`[[${a}]] must have at least ${Math.ceil(share)} posts`);
    const maxCount = MAXIMUM_IMPLICATION_SHARE * (await state.countPostsWithAny([a, b]));
    if (child.postCount > maxCount && maxCount > 0)
      problems.push(`[[${a}]] can't make up more than ${MAXIMUM_IMPLICATION_SHARE * 100}% of [[${b}]]`);
  }
  return problems.length > 0
    ? `Can't create implication [[${a}]] -> [[${b}]] (${problems.join('; ')})`
    : undefined;
}

/** Validates one line against the state, applying its effect when valid; resolves the reason when not. */
async function validateCommand(
  state: ScriptState,
  command: BurCommand,
  context: ValidationContext,
): Promise<string | undefined> {
  const request = context === 'request';
  await state.load(commandTagNames(command));
  switch (command.kind) {
    case 'createAlias': {
      const { antecedent: a, consequent: b } = command;
      const current = state.aliasOf(a);
      if (current === b) return request ? `the alias ${a} -> ${b} already exists` : undefined;
      if (current !== undefined)
        return `${q(a)} is already aliased to ${q(current)} (remove that alias first)`;
      const onward = state.aliasOf(b);
      // B -> A live: the new alias reverses it (Danbooru's delete_conflicting_relationships); the
      // move deletes B -> A, as processing's moveRelationships does.
      if (onward !== undefined && onward !== a) {
        return `${q(b)} is already aliased to ${q(onward)}: aliases cannot be chained (alias ${a} -> ${onward} instead)`;
      }
      const nameProblem = newNameProblem(state, b);
      if (nameProblem) return nameProblem;
      state.createAlias(a, b);
      return undefined;
    }
    case 'removeAlias': {
      const { antecedent: a, consequent: b } = command;
      const current = state.aliasOf(a);
      if (current !== b) {
        if (!request) return undefined;
        return `the alias ${a} -> ${b} doesn't exist${current === undefined ? '' : ` (${q(a)} is aliased to ${q(current)})`}`;
      }
      state.removeAlias(a);
      return undefined;
    }
    case 'createImplication': {
      const { antecedent: a, consequent: b } = command;
      if (state.implies(a, b)) return `the implication ${a} -> ${b} already exists`;
      for (const name of [a, b]) {
        const target = state.aliasOf(name);
        if (target !== undefined)
          return `${q(name)} is aliased to ${q(target)}: use ${q(target)} in the implication`;
      }
      const cycle = await state.implicationPath(b, a);
      if (cycle)
        return `${q(b)} already implies ${q(a)} (${cycle.join(' -> ')}), so ${a} -> ${b} would make a cycle`;
      const redundant = await state.implicationPath(a, b);
      if (redundant)
        return `${q(a)} already implies ${q(b)} through another implication (${redundant.join(' -> ')})`;
      const nameProblem = newNameProblem(state, b);
      if (nameProblem) return nameProblem;
      const requestProblem = request ? await implicationRequestProblem(state, a, b) : undefined;
      if (requestProblem) return requestProblem;
      state.createImplication(a, b);
      return undefined;
    }
    case 'removeImplication': {
      const { antecedent: a, consequent: b } = command;
      if (!state.implies(a, b)) return request ? `the implication ${a} -> ${b} doesn't exist` : undefined;
      state.removeImplication(a, b);
      return undefined;
    }
    case 'rename': {
      const { from, to } = command;
      const tag = state.tag(from);
      if (!tag) return `the tag ${q(from)} doesn't exist`;
      if (tag.postCount > MAX_RENAME_POST_COUNT) {
        return `${q(from)} has ${tag.postCount} posts, more than the ${MAX_RENAME_POST_COUNT} a rename may move: use an alias instead (create alias ${from} -> ${to})`;
      }
      const target = state.aliasOf(to);
      if (target !== undefined) return `${q(to)} is aliased to ${q(target)}: rename to ${q(target)} instead`;
      const nameProblem = newNameProblem(state, to);
      if (nameProblem) return nameProblem;
      state.rename(from, to);
      return undefined;
    }
    case 'massUpdate': {
      const { query, edits } = command;
      for (const name of edits.add) {
        if (state.tag(name)?.isDeprecated) return `can't add ${q(name)}: the tag is deprecated`;
        const nameProblem = newNameProblem(state, name);
        if (nameProblem) return nameProblem;
      }
      const matched = Math.min(...query.include.map((name) => state.tag(name)?.postCount ?? 0));
      state.massUpdate(edits.add, edits.remove, matched);
      return undefined;
    }
    case 'changeCategory': {
      const tag = state.tag(command.tag);
      if (!tag) return `the tag ${q(command.tag)} doesn't exist`;
      if (request && tag.category === command.category) {
        const t = `[[${command.tag}]]`;
        return `Can't change the category of ${t} to ${command.category} (${t} is already in that category)`;
      }
      state.changeCategory(command.tag, command.category);
      return undefined;
    }
    case 'nuke': {
      const { tag } = command;
      if (!state.tag(tag) && state.impliedBy(tag).length === 0 && state.implying(tag).length === 0) {
        return `the tag ${q(tag)} doesn't exist`;
      }
      state.nuke(tag);
      return undefined;
    }
    case 'deprecate':
    case 'undeprecate': {
      const tag = state.tag(command.tag);
      const deprecating = command.kind === 'deprecate';
      if (request) {
        if (!tag) return `the tag ${q(command.tag)} doesn't exist`;
        if (deprecating && tag.isDeprecated) return `the tag ${q(command.tag)} is already deprecated`;
        if (!deprecating && !tag.isDeprecated) return `the tag ${q(command.tag)} is not deprecated`;
      }
      state.setDeprecated(command.tag, deprecating);
      return undefined;
    }
  }
}

/**
 * Validates parsed lines in order against the repository's data and the earlier lines' effects.
 * Resolves one LineError per bad line, in line order.
 */
export async function validateLines(
  lines: readonly ScriptLine[],
  repository: TagReadRepository,
  context: ValidationContext = 'request',
): Promise<LineError[]> {
  const state = new ScriptState(repository);
  await state.load(lines.flatMap((line) => commandTagNames(line.command)));
  const errors: LineError[] = [];
  for (const line of lines) {
    const reason = await validateCommand(state, line.command, context);
    if (reason !== undefined) errors.push({ lineNumber: line.lineNumber, text: line.text, reason });
  }
  return errors;
}

/** Parses and validates a script: the check to run on create and edit ('request') and approval. */
export async function checkScript(
  script: string,
  repository: TagReadRepository,
  context: ValidationContext = 'request',
): Promise<ScriptCheck> {
  const parsed = parseScript(script);
  const validationErrors =
    parsed.scriptErrors.length === 0 ? await validateLines(parsed.lines, repository, context) : [];
  const errors = [...parsed.errors, ...validationErrors].sort((a, b) => a.lineNumber - b.lineNumber);
  return {
    ok: parsed.scriptErrors.length === 0 && errors.length === 0,
    lines: parsed.lines,
    errors,
    scriptErrors: parsed.scriptErrors,
  };
}
