/**
 * Per-class job settings that subclasses inherit and may extend without touching the parent
 * (Rails' class_attribute). Stored under a symbol on the class; the static prototype chain gives
 * inheritance, and the first write on a subclass copies the parent's settings.
 *
 * Example: ownSettings(ResizeJob).queueName = 'images'
 */
import type { ExceptionHandler } from './exceptions';
import type { CallbackChains } from './callbacks';
import type { ConcurrencyLimit } from './concurrency/limit';

export interface JobSettings {
  /** Queue name, or a function of the job. @defaultValue 'default' */
  queueName: string | ((job: unknown) => string);
  /** BullMQ priority: 1 is the highest, larger numbers run later. @defaultValue undefined (no priority) */
  priority: number | undefined;
  /** Handlers from retryOn/discardOn, in declaration order (matched last first). */
  handlers: ExceptionHandler[];
  /** Procs run when a job is discarded or fails for good. */
  afterDiscard: ((job: any, error: unknown) => void | Promise<void>)[];
  callbacks: CallbackChains;
  /** uniqueBy(): jobs with the same key are enqueued once (BullMQ deduplication). */
  unique: UniqueOptions | undefined;
  /** rateLimit(): at most `to` jobs of this class's queue start per `within` seconds, across workers. */
  rateLimit: RateLimit | undefined;
  /** limitsConcurrency(): at most `to` jobs with one key run at once, across workers. */
  concurrency: ConcurrencyLimit | undefined;
}

export interface UniqueOptions {
  key: (...args: any[]) => string;
  /** Seconds the key stays taken; without it, until the job completes or fails. */
  ttl: number | undefined;
}

export interface RateLimit {
  to: number;
  within: number;
}

const SETTINGS: unique symbol = Symbol('backlot.jobSettings');

type WithSettings = { [SETTINGS]?: JobSettings };

export function emptySettings(): JobSettings {
  return {
    queueName: 'default',
    priority: undefined,
    handlers: [],
    afterDiscard: [],
    unique: undefined,
    rateLimit: undefined,
    concurrency: undefined,
    callbacks: {
      beforeEnqueue: [],
      aroundEnqueue: [],
      afterEnqueue: [],
      beforePerform: [],
      aroundPerform: [],
      afterPerform: [],
    },
  };
}

function copy(settings: JobSettings): JobSettings {
  const c = settings.callbacks;
  return {
    ...settings,
    handlers: [...settings.handlers],
    afterDiscard: [...settings.afterDiscard],
    callbacks: {
      beforeEnqueue: [...c.beforeEnqueue],
      aroundEnqueue: [...c.aroundEnqueue],
      afterEnqueue: [...c.afterEnqueue],
      beforePerform: [...c.beforePerform],
      aroundPerform: [...c.aroundPerform],
      afterPerform: [...c.afterPerform],
    },
  };
}

/** What a class with no settings of its own or inherited sees: one frozen instance (writes go through ownSettings). */
const NO_SETTINGS: JobSettings = deepFreeze(emptySettings());

function deepFreeze(settings: JobSettings): JobSettings {
  Object.values(settings.callbacks).forEach((list) => Object.freeze(list));
  Object.freeze(settings.callbacks);
  Object.freeze(settings.handlers);
  Object.freeze(settings.afterDiscard);
  return Object.freeze(settings);
}

/**
 * Settings as seen by the class (its own, or the nearest ancestor's). Read on every enqueue and
 * execution: a class without settings shares one frozen empty set (building one per call was a
 * tenth of the worker's per-job allocation for such a class).
 */
export function settingsOf(cls: object): JobSettings {
  return (cls as WithSettings)[SETTINGS] ?? NO_SETTINGS;
}

/** The class's own settings, created from its parent's on first write. */
export function ownSettings(cls: object): JobSettings {
  const holder = cls as WithSettings;
  if (!Object.hasOwn(holder, SETTINGS)) {
    Object.defineProperty(holder, SETTINGS, {
      value: copy(settingsOf(cls)),
      enumerable: false,
      writable: true,
    });
  }
  return holder[SETTINGS] as JobSettings;
}
