/**
 * What a viewer of live pages may see: which topics (TopicFilter) and which fields of each event
 * (FieldPolicy), by the viewer's level. The framework knows no user levels: a level is the number
 * the app's authorize(req) gives, and a higher one sees more. The app declares its policy with
 * defineViewerPolicy and hands it to sseHandler, whose hub (the SSE forwarder) applies it to every
 * event of every stream.
 *
 * Steps of a policy built by defineViewerPolicy:
 *   topics: a topic is followed from the level given for its root (/jobs/12 -> 'jobs'); a root
 *     not listed needs otherTopics (default: nobody);
 *   fields: below `arguments` job arguments are removed, below `errorMessages` an error keeps its
 *     name only (both default to nobody); an event with nothing to remove is passed on as it is.
 * DEFAULT_VIEWER_POLICY (sseHandler without a policy) is conservative: /lifecycle for everyone,
 * nothing else, no arguments, error names only.
 *
 * Example:
 *   const policy = defineViewerPolicy({ topics: { lifecycle: 0, things: 10 }, otherTopics: 50,
 *                                       arguments: 50, errorMessages: 40 });
 *   sseHandler(broker, { authorize: (req) => levelOf(req), policy });
 */
import type { BacklotEvent } from './payloads';
import { topicRoot } from './topics';

/** May a viewer of this level subscribe to (or receive events on) this topic? */
export type TopicFilter = (topic: string, level: number) => boolean;

/** The event as this viewer may see it, or undefined to withhold it. Return the same object when nothing changes. */
export type FieldPolicy = (event: BacklotEvent, level: number) => BacklotEvent | undefined;

export interface ViewerPolicy {
  readonly topicFilter: TopicFilter;
  readonly fieldPolicy: FieldPolicy;
}

export interface ViewerPolicyRules {
  /** The lowest level that may follow each topic root, e.g. { lifecycle: 0, jobs: 40 }. */
  topics: Readonly<Record<string, number>>;
  /** The lowest level that may follow a topic whose root is not listed. @defaultValue Infinity (nobody) */
  otherTopics?: number;
  /** The lowest level that sees job arguments. @defaultValue Infinity (nobody) */
  arguments?: number;
  /** The lowest level that sees error messages (below, errors keep their name). @defaultValue Infinity */
  errorMessages?: number;
  /** Replaces the field rules above with the app's own. */
  fields?: FieldPolicy;
}

/** A policy's rules are not numbers where numbers belong. */
export class ViewerPolicyError extends Error {
  override name = 'ViewerPolicyError';
}

function level(value: unknown, what: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ViewerPolicyError(`viewer policy: ${what} must be a level (a number), got ${String(value)}`);
  }
  return value;
}

/** Removes job arguments below `argumentsFrom` and error messages below `errorMessagesFrom`. */
export function redactingFields(argumentsFrom: number, errorMessagesFrom: number): FieldPolicy {
  return (event, viewer) => {
    const keepArguments = viewer >= argumentsFrom;
    const keepMessages = viewer >= errorMessagesFrom;
    if (keepArguments && keepMessages) return event;
    const data = event.data;
    const dropArguments = !keepArguments && 'arguments' in data;
    const cutError = !keepMessages && 'error' in data;
    if (!dropArguments && !cutError) return event;
    const { arguments: args, error, ...rest } = data;
    const redacted: Record<string, unknown> = rest;
    if (!dropArguments) redacted.arguments = args;
    if (!cutError) redacted.error = error;
    else if (error && typeof error === 'object')
      redacted.error = { name: (error as { name?: unknown }).name };
    return { ...event, data: redacted };
  };
}

export function defineViewerPolicy(rules: ViewerPolicyRules): ViewerPolicy {
  const roots = new Map<string, number>();
  for (const [root, from] of Object.entries(rules.topics ?? {}))
    roots.set(root, level(from, `topics.${root}`));
  const otherTopics = level(rules.otherTopics ?? Infinity, 'otherTopics');
  const fieldPolicy =
    rules.fields ??
    redactingFields(
      level(rules.arguments ?? Infinity, 'arguments'),
      level(rules.errorMessages ?? Infinity, 'errorMessages'),
    );
  return Object.freeze({
    topicFilter: (topic: string, viewer: number) => viewer >= (roots.get(topicRoot(topic)) ?? otherTopics),
    fieldPolicy,
  });
}

/** sseHandler's policy when the app gives none: /lifecycle only, no arguments, error names only. */
export const DEFAULT_VIEWER_POLICY = defineViewerPolicy({ topics: { lifecycle: 0 } });
